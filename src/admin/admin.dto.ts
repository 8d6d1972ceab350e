import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IntParam } from '../common/query-params';
import type { Assert, SameType } from '../common/same-type';
import type { ChatNode } from '../discovery/chat-node-registry';
import { GroupDto } from '../groups/groups.dto';
import type { QueueName } from '../queue/job-catalogue';
import type { FailedJob, JobCounts } from '../queue/job-queue';
import type { AuditEntry } from './audit.repository';

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

export class SetRoleDto {
  @ApiProperty({ enum: ['admin', 'user'], description: 'admin grants the admin role, user revokes it' })
  @IsIn(['admin', 'user'])
  role!: 'admin' | 'user';
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

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto] }) users!: AdminUserDto[];
  @ApiProperty({ type: 'integer', description: 'users matching the search, over all pages' }) total!: number;
}

export class AdminGroupPageDto {
  @ApiProperty({ type: [GroupDto] }) groups!: GroupDto[];
  @ApiProperty({ type: 'integer', description: 'groups over all pages' }) total!: number;
}

/** A healthy chat node with the load it last reported. */
export class ChatNodeLoadDto implements ChatNode {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'where clients open their Socket.IO connection' }) url!: string;
  @ApiProperty({ type: 'integer' }) connections!: number;
  @ApiProperty({ type: 'integer', description: 'connections this node is sized for' }) capacity!: number;
  @ApiProperty({ enum: ['passing'] }) health!: 'passing';
}

export class JobCountsDto {
  @ApiProperty({ type: 'integer' }) waiting!: number;
  @ApiProperty({ type: 'integer' }) active!: number;
  @ApiProperty({ type: 'integer' }) delayed!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
  @ApiProperty({ type: 'integer' }) completed!: number;
}

export class FailedJobDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the job's payload, by queue" })
  payload!: FailedJob<QueueName>['payload'];
  @ApiProperty() failedReason!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
}

export class StatsDto {
  @ApiProperty({ type: 'integer' }) onlineUsers!: number;
  @ApiProperty({ type: 'integer', description: 'sockets over every healthy chat node' }) connections!: number;
  @ApiProperty({ description: 'messages sent per second, over the last few seconds' })
  messagesPerSecond!: number;
  @ApiProperty({ description: 'read markers moved per second, over the last minute' })
  readMarkersPerSecond!: number;
  @ApiProperty({ type: 'integer', description: 'healthy chat nodes' }) chatNodes!: number;
}

export class AnnouncementSentDto {
  @ApiProperty({ description: 'ISO-8601: when it was broadcast' }) at!: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'ISO-8601' }) at!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty({ example: 'user.ban' }) action!: string;
  @ApiProperty({ example: 'user' }) targetType!: string;
  @ApiProperty() targetId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export type JobCountsDtoIsTheQueues = Assert<SameType<JobCountsDto, JobCounts>>;
export type FailedJobDtoIsTheQueues = Assert<SameType<FailedJobDto, FailedJob<QueueName>>>;
export type AuditEntryDtoIsTheLog = Assert<SameType<AuditEntryDto, AuditEntry>>;

export class DashboardLinkDto {
  @ApiProperty({
    description: 'open it in a browser within a minute: it sets the dashboard cookie and shows Bull Board',
    example: '/admin/login?ticket=eyJhbGciOi...',
  })
  url!: string;
  @ApiProperty({ description: 'ISO-8601: when the link stops working' }) expiresAt!: string;
}
