import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { User } from './users.repository';
import type { Assert, SameType } from '../common/same-type';
import type { PublicUser } from '../contract';

export class PublicUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;

  static of(u: User): PublicUserDto {
    return { id: u.id, username: u.username, displayName: u.displayName };
  }
}

export class UserSearchQuery {
  @ApiProperty({ required: false, description: 'username prefix' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/^[A-Za-z0-9_.-]*$/, { message: 'search may contain only a-z 0-9 _ . -' })
  search?: string;
}

export type PublicUserDtoIsTheContract = Assert<SameType<PublicUserDto, PublicUser>>;
