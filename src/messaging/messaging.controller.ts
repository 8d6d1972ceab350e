import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { MessageDto } from './message';
import { MessageChangesService } from './message-changes.service';
import { EditMessageDto, HistoryPageDto, HistoryQuery, SyncPageDto, SyncQuery } from './messaging.dto';
import { ReadMessagesService } from './read-messages.service';

const MESSAGE = 'channels/:channelId/messages/:messageId';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagingController {
  constructor(
    private readonly read: ReadMessagesService,
    private readonly changes: MessageChangesService,
  ) {}

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

  @Patch(MESSAGE)
  @ApiOperation({ summary: 'Edit a message (its sender only)' })
  @ApiOkResponse({ type: MessageDto, description: 'the edited message' })
  async edit(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
    @Body() body: EditMessageDto,
  ): Promise<MessageDto> {
    return (await this.changes.edit(me.id, channelId, messageId, body.content)).message;
  }

  @Delete(MESSAGE)
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a message (its sender, or a group's owner or admin); the text is erased" })
  @ApiNoContentResponse()
  async delete(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    await this.changes.delete(me.id, channelId, messageId);
  }

  @Put(`${MESSAGE}/reactions/:emoji`)
  @ApiOperation({ summary: 'React to a message (any member; at most 20 different emoji a message)' })
  @ApiOkResponse({ type: MessageDto })
  async react(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return (await this.changes.react(me.id, channelId, messageId, emoji, true)).message;
  }

  @Delete(`${MESSAGE}/reactions/:emoji`)
  @ApiOperation({ summary: 'Take back a reaction' })
  @ApiOkResponse({ type: MessageDto })
  async unreact(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return (await this.changes.react(me.id, channelId, messageId, emoji, false)).message;
  }
}
