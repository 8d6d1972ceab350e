import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PublicUserDto } from '../users/user.dto';
import type { Assert, SameType } from '../common/same-type';
import type {
  CreateFriendRequest,
  Friend,
  FriendRequest,
  PendingFriendRequests,
  Presence,
} from '../contract';

export class CreateFriendRequestDto {
  @ApiProperty() @IsString() @Length(1, 64) userId!: string;
}

export class FriendRequestDto {
  @ApiProperty() id!: string;
  @ApiProperty() fromUserId!: string;
  @ApiProperty() toUserId!: string;
  @ApiProperty({ enum: ['pending', 'accepted'] }) status!: FriendRequest['status'];
}

export class PendingRequestsDto {
  @ApiProperty({ type: [FriendRequestDto] }) incoming!: FriendRequestDto[];
  @ApiProperty({ type: [FriendRequestDto] }) outgoing!: FriendRequestDto[];
}

export class PresenceDto {
  @ApiProperty({ enum: ['online', 'offline'] }) status!: 'online' | 'offline';
  @ApiProperty({ nullable: true, type: String }) lastActiveAt!: string | null;
}

export class FriendDto {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
  @ApiProperty({ type: PresenceDto }) presence!: PresenceDto;
}

export type CreateFriendRequestDtoIsTheContract = Assert<
  SameType<CreateFriendRequestDto, CreateFriendRequest>
>;
export type FriendRequestDtoIsTheContract = Assert<SameType<FriendRequestDto, FriendRequest>>;
export type PendingRequestsDtoIsTheContract = Assert<SameType<PendingRequestsDto, PendingFriendRequests>>;
export type PresenceDtoIsTheContract = Assert<SameType<PresenceDto, Presence>>;
export type FriendDtoIsTheContract = Assert<SameType<FriendDto, Friend>>;
