import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import type { Assert, SameType } from '../common/same-type';
import type { PresenceUpdate } from '../contract';
import { FriendsService } from './friends.service';

class PresenceQueryDto {
  @ApiProperty({ description: 'comma list of user ids (at most 200)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}(,[A-Za-z0-9-]{1,64}){0,199}$/, {
    message: 'userIds must be a comma list of at most 200 ids',
  })
  userIds?: string;
}

class PresenceViewDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: PresenceUpdate['status'];
  @ApiProperty({ nullable: true, type: String }) lastActiveAt!: string | null;
}

@ApiTags('presence')
@ApiSignedIn()
@Controller('presence')
export class PresenceController {
  constructor(private readonly friends: FriendsService) {}

  /** Presence of the given users who are the caller's friends; others are left out. */
  @Get()
  @ApiOperation({ summary: 'Presence of the given users who are friends of the caller' })
  @ApiOkResponse({ type: [PresenceViewDto] })
  @ApiErrors(400)
  getPresence(@CurrentUser() me: AuthUser, @Query() q: PresenceQueryDto): Promise<PresenceViewDto[]> {
    return this.friends.presenceOf(me.id, q.userIds ? q.userIds.split(',') : []);
  }
}

export type PresenceViewDtoIsTheContract = Assert<SameType<PresenceViewDto, PresenceUpdate>>;
