import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { CreateFriendRequestDto, FriendDto, FriendRequestDto, PendingRequestsDto } from './friends.dto';
import { FriendsService } from './friends.service';

@ApiTags('friends')
@ApiSignedIn()
@Controller('friends')
export class FriendsController {
  constructor(private readonly friends: FriendsService) {}

  @Post('requests')
  @ApiOperation({ summary: 'Ask a user to be friends' })
  @ApiCreatedResponse({ type: FriendRequestDto })
  @ApiErrors(
    [400, 'a malformed body, or the caller themselves'],
    [404, 'no such user'],
    [409, 'already friends, or a request is pending'],
    413,
  )
  sendFriendRequest(
    @CurrentUser() me: AuthUser,
    @Body() body: CreateFriendRequestDto,
  ): Promise<FriendRequestDto> {
    return this.friends.request(me.id, body.userId);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Pending friend requests, to and from the caller' })
  @ApiOkResponse({ type: PendingRequestsDto })
  listFriendRequests(@CurrentUser() me: AuthUser): Promise<PendingRequestsDto> {
    return this.friends.pending(me.id);
  }

  @Post('requests/:id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a friend request sent to the caller' })
  @ApiOkResponse({ type: FriendRequestDto })
  @ApiErrors(
    [403, 'the request was sent to someone else'],
    [404, 'no such friend request'],
    [409, 'the request is no longer pending'],
  )
  acceptFriendRequest(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<FriendRequestDto> {
    return this.friends.accept(me.id, id);
  }

  @Get()
  @ApiOperation({ summary: "The caller's friends with their presence" })
  @ApiOkResponse({ type: [FriendDto] })
  listFriends(@CurrentUser() me: AuthUser): Promise<FriendDto[]> {
    return this.friends.list(me.id);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a friendship' })
  @ApiNoContentResponse()
  @ApiErrors([404, 'not friends with this user'])
  async removeFriend(@CurrentUser() me: AuthUser, @Param('userId') userId: string): Promise<void> {
    await this.friends.remove(me.id, userId);
  }
}
