import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IntParam } from '../common/query-params';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class PageQuery {
  @IntParam(0, Number.MAX_SAFE_INTEGER, 0)
  offset?: number;

  @IntParam(1, 100, 50)
  limit?: number;
}

export class UserPageQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'username prefix' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/^[A-Za-z0-9_.-]*$/, { message: 'search may contain only a-z 0-9 _ . -' })
  search?: string;
}

export class AuditQuery {
  @IntParam(1, 200, 50)
  limit?: number;

  @ApiPropertyOptional({ description: 'id of the last entry of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,20}$/, { message: 'before must be an audit entry id' })
  before?: string;
}

export class FailedJobsQuery {
  @IntParam(1, 200, 50)
  limit?: number;
}

export class AnnouncementDto {
  @ApiProperty({ maxLength: 2000 }) @IsString() @MinLength(1) @MaxLength(2000) text!: string;
}

export class AdminUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: string;
  @ApiProperty() banned!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastActiveAt!: string | null;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: string;
}
