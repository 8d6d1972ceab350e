import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { ConversationStore } from '../conversations/conversation-store';
import type { ConversationState } from '../conversations/conversations.sql';
import { GroupsRepository } from '../groups/groups.repository';
import { IdGenerator } from '../ids/id-generator';
import { ReadRate } from '../metrics/message-rate';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import { ChannelAccess, ResolvedChannel } from './channel-access';
import { parseChannelId } from './channel-id';
import { HistoryStore } from './history/history.store';
import type { Message } from './message';

/** Unread counts are exact up to this; a larger one is answered as this (DESIGN.md section 6b). */
export const UNREAD_CAP = 1_000;
/** Attempts at moving a marker while other moves of the same user's marker race it (another device). */
const MOVE_ATTEMPTS = 5;

/**
 * Read markers (DESIGN.md section 6b). A marker only moves forward: the move is one conditional UPDATE, so two
 * devices racing on two chat nodes cannot move it back. A move takes a change id, sets the unread count (zero
 * when the message is the newest, else counted from the channel's log up to the newest it saw, at most UNREAD_CAP
 * rows, plus what was counted since), and emits `read {channelId, userId, messageId, changeId}` to every device of every member: a
 * receipt for the others, read-state sync for the reader's other devices. Sync's receipts come from the same
 * rows (ReadMessagesService).
 */
@Injectable()
export class ReadMarkersService {
  constructor(
    private readonly access: ChannelAccess,
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
    private readonly conversations: ConversationStore,
    private readonly ids: IdGenerator,
    private readonly realtime: RealtimeEmitter,
    private readonly metrics: MetricsService,
    private readonly rate: ReadRate,
  ) {}

  /** Resolves once the marker is at or past `messageId` (moved by this call or already there). */
  async read(userId: string, channelId: string, messageId: string): Promise<void> {
    const channel = await this.access.forMember(userId, channelId);
    const message = /^\d{1,20}$/.test(messageId) ? await this.history.getMessage(channelId, messageId) : null;
    if (!message || BigInt(message.id) < BigInt(channel.visibleFrom))
      throw AppError.notFound('message not found in this channel');
    const target = BigInt(message.id);

    for (let attempt = 0; attempt < MOVE_ATTEMPTS; attempt++) {
      const state =
        (await this.conversations.get(userId, channelId)) ?? (await this.repair(userId, channel, message));
      if (state.readUpTo !== null && BigInt(state.readUpTo) >= target) {
        this.metrics.readMarkers.inc({ outcome: 'kept' });
        return;
      }
      const newest = state.lastMessageId;
      const unread =
        newest !== null && BigInt(newest) > target
          ? await this.history.countUnread(channelId, {
              after: message.id,
              upTo: newest,
              readerId: userId,
              cap: UNREAD_CAP,
            })
          : 0;
      const changeId = await this.ids.next();
      const moved = await this.conversations.moveRead(userId, channelId, {
        messageId: message.id,
        changeId,
        unread,
        unreadBefore: state.unreadCount,
      });
      if (moved) {
        await this.announce(userId, channel, message, changeId);
        return;
      }
    }
    // The user's other devices kept moving the marker meanwhile, each time to a message before this one.
    throw new AppError('unavailable', 'the read marker is busy; retry');
  }

  private async announce(userId: string, channel: ResolvedChannel, message: Message, changeId: string) {
    const members = channel.memberIds ?? (await this.groupMembers(channel.channelId));
    const signal = { channelId: channel.channelId, userId, messageId: message.id, changeId };
    this.realtime.emit(members.map(userRoom), 'read', signal);
    this.metrics.readMarkers.inc({ outcome: 'moved' });
    this.metrics.receiptsEmitted.inc({ channel_type: channel.channelType });
    this.rate.record();
  }

  private async groupMembers(channelId: string): Promise<string[]> {
    const parsed = parseChannelId(channelId);
    return parsed.type === 'group' ? (await this.groups.memberIds(parsed.groupId)).map((m) => m.userId) : [];
  }

  /**
   * A member whose conversation row is missing (a DM from before conversation state, when history is in
   * Cassandra; a write that died between the membership and its row): the row is made from the channel's
   * newest message, then read as usual.
   */
  private async repair(
    userId: string,
    channel: ResolvedChannel,
    message: Message,
  ): Promise<ConversationState> {
    const newest = (await this.history.channelPage(channel.channelId, undefined, 1))[0] ?? message;
    if (channel.channelType === 'group')
      await this.conversations.joined(channel.channelId, [userId], channel.visibleFrom, Date.now());
    await this.conversations.posted(newest, channel.memberIds, true);
    const state = await this.conversations.get(userId, channel.channelId);
    if (!state) throw new AppError('internal', 'conversation state could not be made');
    return state;
  }
}
