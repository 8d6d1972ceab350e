import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { CreateFriendRequestDto, FriendDto, FriendRequestDto, PendingRequestsDto } from './friends.dto';
import { FriendsService } from './friends.service';

@ApiTags('friends')
@ApiBearerAuth()
@Controller('friends')
export class FriendsController {
  constructor(private readonly friends: FriendsService) {}

  @Post('requests')
  @ApiCreatedResponse({ type: FriendRequestDto })
  request(@CurrentUser() me: AuthUser, @Body() body: CreateFriendRequestDto): Promise<FriendRequestDto> {
    return this.friends.request(me.id, body.userId);
  }

  @Get('requests')
  @ApiOkResponse({ type: PendingRequestsDto })
  pending(@CurrentUser() me: AuthUser): Promise<PendingRequestsDto> {
    return this.friends.pending(me.id);
  }

  @Post('requests/:id/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: FriendRequestDto })
  accept(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<FriendRequestDto> {
    return this.friends.accept(me.id, id);
  }

  @Get()
  @ApiOkResponse({ type: [FriendDto] })
  list(@CurrentUser() me: AuthUser): Promise<FriendDto[]> {
    return this.friends.list(me.id);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@CurrentUser() me: AuthUser, @Param('userId') userId: string): Promise<void> {
    await this.friends.remove(me.id, userId);
  }
}
