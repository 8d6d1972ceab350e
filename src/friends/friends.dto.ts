import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PublicUserDto } from '../users/user.dto';

export class CreateFriendRequestDto {
  @ApiProperty() @IsString() @Length(1, 64) userId!: string;
}

export class FriendRequestDto {
  @ApiProperty() id!: string;
  @ApiProperty() fromUserId!: string;
  @ApiProperty() toUserId!: string;
  @ApiProperty({ enum: ['pending', 'accepted'] }) status!: string;
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
