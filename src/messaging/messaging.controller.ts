import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { HistoryPageDto, HistoryQuery, SyncPageDto, SyncQuery } from './messaging.dto';
import { ReadMessagesService } from './read-messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagingController {
  constructor(private readonly read: ReadMessagesService) {}

  @Get('sync')
  @ApiOkResponse({ type: SyncPageDto })
  sync(@CurrentUser() me: AuthUser, @Query() q: SyncQuery): Promise<SyncPageDto> {
    return this.read.sync(me.id, q.after, q.limit);
  }

  @Get('channels/:channelId/messages')
  @ApiOkResponse({ type: HistoryPageDto })
  history(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Query() q: HistoryQuery,
  ): Promise<HistoryPageDto> {
    return this.read.channelHistory(me.id, channelId, q.before, q.limit);
  }
}
