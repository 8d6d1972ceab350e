import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { isWellFormed } from '../common/json-edge';
import { GroupsRepository } from '../groups/groups.repository';
import { IdGenerator } from '../ids/id-generator';
import { snowflakeTime } from '../ids/snowflake';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import { ChannelAccess } from './channel-access';
import { parseChannelId } from './channel-id';
import { ChangeKind, ContentUpdate, HistoryStore } from './history/history.store';
import { checkContent, Message } from './message';
import { ConversationStore } from '../conversations/conversation-store';

/** At most this many distinct emoji on one message (DESIGN.md section 6b). */
export const MAX_EMOJI_PER_MESSAGE = 20;
const MAX_EMOJI_CHARS = 32;

/** What a change call answers: the message in its state after the call (unchanged for a no-op retry). */
export interface ChangeResult {
  message: Message;
  /** The change id, when the call changed something; undefined for an idempotent retry. */
  changeId?: string;
}

/**
 * Edits, deletes and reactions (DESIGN.md section 6b). Each change that changes something takes a change id
 * from the Snowflake generator, rewrites the message's one stored row (a delete erases its text), appends one
 * change-log entry for every member who may see the message, and emits `message:updated` to all their
 * devices. A retry that would change nothing (the same edit again, a second delete, a reaction that is
 * already there or already gone) appends and emits nothing, and answers the current state.
 */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly access: ChannelAccess,
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
    private readonly ids: IdGenerator,
    private readonly realtime: RealtimeEmitter,
    private readonly metrics: MetricsService,
    private readonly conversations: ConversationStore,
  ) {}

  async edit(userId: string, channelId: string, messageId: string, content: string): Promise<ChangeResult> {
    checkContent(content);
    const { message, audience } = await this.visible(userId, channelId, messageId);
    if (message.deletedAt) throw AppError.notFound('message not found');
    if (message.senderId !== userId) throw AppError.forbidden('only the sender may edit a message');
    if (message.content === content) return { message };
    return this.change(audience, message, 'edit', (changeId) =>
      this.history.updateContent(channelId, messageId, { content, editedAt: isoOf(changeId) }),
    );
  }

  async delete(userId: string, channelId: string, messageId: string): Promise<ChangeResult> {
    const { message, audience, role } = await this.visible(userId, channelId, messageId);
    if (message.senderId !== userId && role !== 'owner' && role !== 'admin')
      throw AppError.forbidden("only the sender or a group's owner or admin may delete a message");
    if (message.deletedAt) return { message };
    return this.change(audience, message, 'delete', async (changeId) => {
      const update: ContentUpdate = { content: '', deletedAt: isoOf(changeId) };
      await this.history.updateContent(channelId, messageId, update);
      // No longer unread where it counted (the members who had not read it, the sender aside).
      await this.conversations.deleted(message);
    });
  }

  async react(
    userId: string,
    channelId: string,
    messageId: string,
    emoji: string,
    active: boolean,
  ): Promise<ChangeResult> {
    checkEmoji(emoji);
    const { message, audience } = await this.visible(userId, channelId, messageId);
    if (message.deletedAt) throw AppError.notFound('message not found');
    const reactions = message.reactions ?? [];
    const current = reactions.find((r) => r.emoji === emoji);
    if (active === Boolean(current?.userIds.includes(userId))) return { message };
    if (active && !current && reactions.length >= MAX_EMOJI_PER_MESSAGE)
      throw new AppError('conflict', `a message holds at most ${MAX_EMOJI_PER_MESSAGE} different emoji`);
    return this.change(audience, message, 'reaction', (changeId) =>
      this.history.setReaction({ channelId, id: messageId }, { emoji, userId, active, changeId }),
    );
  }

  /**
   * The message as `userId` may see it, with who else may see it (the members a change reaches) and the
   * user's role in a group. A message before the user joined the group is as unknown as a missing one.
   */
  private async visible(userId: string, channelId: string, messageId: string) {
    const channel = await this.access.forMember(userId, channelId);
    const message = /^\d{1,20}$/.test(messageId) ? await this.history.getMessage(channelId, messageId) : null;
    if (!message || BigInt(message.id) < BigInt(channel.visibleFrom))
      throw AppError.notFound('message not found');
    if (channel.memberIds) return { message, audience: channel.memberIds, role: undefined };
    const parsed = parseChannelId(channelId);
    const members = parsed.type === 'group' ? await this.groups.memberIds(parsed.groupId) : [];
    const id = BigInt(message.id);
    return {
      message,
      audience: members.filter((m) => BigInt(m.visibleFrom) <= id).map((m) => m.userId),
      role: members.find((m) => m.userId === userId)?.role,
    };
  }

  private async change(
    audience: readonly string[],
    before: Message,
    kind: ChangeKind,
    write: (changeId: string) => Promise<void>,
  ): Promise<ChangeResult> {
    const changeId = await this.ids.next();
    await write(changeId);
    await this.history.appendChange(audience, {
      changeId,
      kind,
      channelId: before.channelId,
      channelType: before.channelType,
      messageId: before.id,
    });
    const message = (await this.history.getMessage(before.channelId, before.id)) ?? before;
    this.realtime.emit(audience.map(userRoom), 'message:updated', { changeId, message });
    this.metrics.messageChanges.inc({ kind });
    return { message, changeId };
  }
}

/** The time a change id was taken, as the message's editedAt / deletedAt. */
function isoOf(changeId: string): string {
  return new Date(snowflakeTime(changeId)).toISOString();
}

function checkEmoji(emoji: string): void {
  const chars = [...emoji].length;
  if (chars < 1 || chars > MAX_EMOJI_CHARS || /\s/u.test(emoji))
    throw AppError.badRequest(`emoji must be 1 to ${MAX_EMOJI_CHARS} characters without whitespace`);
  if (/\p{Cc}/u.test(emoji)) throw AppError.badRequest('emoji must not contain control characters');
  if (!isWellFormed(emoji)) throw AppError.badRequest('emoji must be valid Unicode');
}
