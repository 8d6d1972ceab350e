import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { MessageDto } from './message';
import { MessageChangesService } from './message-changes.service';
import {
  ConversationPageDto,
  ConversationQuery,
  EditMessageDto,
  HistoryPageDto,
  HistoryQuery,
  ReadInputDto,
  SyncPageDto,
  SyncQuery,
} from './messaging.dto';
import { ConversationsService } from './conversations.service';
import { ReadMarkersService } from './read-markers.service';
import { ReadMessagesService } from './read-messages.service';

const MESSAGE = 'channels/:channelId/messages/:messageId';

@ApiTags('messages')
@ApiSignedIn()
@Controller()
export class MessagingController {
  constructor(
    private readonly read: ReadMessagesService,
    private readonly changes: MessageChangesService,
    private readonly conversations: ConversationsService,
    private readonly markers: ReadMarkersService,
  ) {}

  @Get('channels')
  @ApiOperation({ summary: "The caller's conversations, most recent activity first, with unread counts" })
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiErrors(400)
  listConversations(
    @CurrentUser() me: AuthUser,
    @Query() q: ConversationQuery,
  ): Promise<ConversationPageDto> {
    return this.conversations.list(me.id, q.before, q.limit);
  }

  @Post('channels/:channelId/read')
  @HttpCode(204)
  @ApiOperation({
    summary: "Move the caller's read marker forward (an older or equal message changes nothing)",
  })
  @ApiNoContentResponse()
  @ApiErrors(400, [403, 'not a member of this channel'], [404, 'no such channel, or no such message in it'])
  async markRead(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Body() body: ReadInputDto,
  ): Promise<void> {
    await this.markers.read(me.id, channelId, body.messageId);
  }

  @Get('sync')
  @ApiOperation({ summary: "Catch up on the caller's change log after a cursor" })
  @ApiOkResponse({ type: SyncPageDto })
  @ApiErrors(400)
  sync(@CurrentUser() me: AuthUser, @Query() q: SyncQuery): Promise<SyncPageDto> {
    return this.read.sync(me.id, q.after, q.limit);
  }

  @Get('channels/:channelId/messages')
  @ApiOperation({ summary: "A page of a channel's messages, newest first" })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiErrors(400, [403, 'not a member of this channel'], [404, 'no such channel'])
  channelHistory(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Query() q: HistoryQuery,
  ): Promise<HistoryPageDto> {
    return this.read.channelHistory(me.id, channelId, q.before, q.limit);
  }

  @Patch(MESSAGE)
  @ApiOperation({ summary: 'Edit a message (its sender only)' })
  @ApiOkResponse({ type: MessageDto, description: 'the edited message' })
  @ApiErrors(
    400,
    [403, 'not a member of this channel, or not the sender'],
    [404, 'no such channel or message, or a deleted one'],
    [413, 'content longer than 100,000 characters'],
  )
  async editMessage(
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
  @ApiErrors([403, "neither the sender nor a group's owner or admin"], [404, 'no such channel or message'])
  async deleteMessage(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    await this.changes.delete(me.id, channelId, messageId);
  }

  @Put(`${MESSAGE}/reactions/:emoji`)
  @ApiOperation({ summary: 'React to a message (any member; at most 20 different emoji a message)' })
  @ApiOkResponse({ type: MessageDto })
  @ApiErrors(
    [400, 'emoji is not 1 to 32 characters without whitespace'],
    [403, 'not a member of this channel'],
    [404, 'no such channel or message, or a deleted one'],
    [409, 'the message already holds 20 different emoji'],
  )
  async addReaction(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return (await this.changes.react(me.id, channelId, messageId, emoji, true)).message;
  }

  @Delete(`${MESSAGE}/reactions/:emoji`)
  @ApiOperation({ summary: "Take back the caller's reaction" })
  @ApiOkResponse({ type: MessageDto })
  @ApiErrors(
    [400, 'emoji is not 1 to 32 characters without whitespace'],
    [403, 'not a member of this channel'],
    [404, 'no such channel or message, or a deleted one'],
  )
  async removeReaction(
    @CurrentUser() me: AuthUser,
    @Param('channelId') channelId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
  ): Promise<MessageDto> {
    return (await this.changes.react(me.id, channelId, messageId, emoji, false)).message;
  }
}
