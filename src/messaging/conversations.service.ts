import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import type { Conversation, ConversationPage } from '../contract';
import { ConversationStore, ListPosition } from '../conversations/conversation-store';
import type { ConversationState } from '../conversations/conversations.sql';
import { GroupsRepository } from '../groups/groups.repository';
import { snowflakeTime } from '../ids/snowflake';
import { UsersRepository } from '../users/users.repository';
import { HistoryStore } from './history/history.store';
import { UNREAD_CAP } from './read-markers.service';

/** `<activity id>.<channel id>`: where the next page starts. Channel ids hold no '.', activity ids are digits. */
const CURSOR = /^(\d{1,20})\.([A-Za-z0-9:-]{1,80})$/;

/**
 * The conversation list (DESIGN.md section 6b): one index range of the user's conversation rows per page,
 * then one batched read each for the groups' names, the DM peers and the newest messages (in their current
 * state: an edit or a delete shows in the list). Nothing here scans a channel's history.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationStore,
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
  ) {}

  async list(userId: string, before: string | undefined, limit = 50): Promise<ConversationPage> {
    const rows = await this.conversations.page(
      userId,
      before === undefined ? undefined : parseCursor(before),
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const channels = await this.describe(page);
    const last = page[page.length - 1];
    return { channels, nextBefore: rows.length > limit ? `${last.activityId}.${last.channelId}` : null };
  }

  private async describe(rows: ConversationState[]): Promise<Conversation[]> {
    const peerIds = [...new Set(rows.flatMap((r) => (r.peerId ? [r.peerId] : [])))];
    const groupIds = rows.filter((r) => r.channelType === 'group').map((r) => r.channelId);
    const refs = rows.flatMap((r) =>
      r.lastMessageId ? [{ channelId: r.channelId, id: r.lastMessageId }] : [],
    );
    const [peers, names, messages] = await Promise.all([
      this.users.findManyByIds(peerIds),
      this.groups.names(groupIds),
      this.history.getMessages(refs),
    ]);
    const peerById = new Map(peers.map((u) => [u.id, u]));
    const messageByChannel = new Map(messages.map((m) => [m.channelId, m]));
    return rows.map((r) => {
      const peer = r.peerId ? peerById.get(r.peerId) : undefined;
      return {
        channelId: r.channelId,
        channelType: r.channelType,
        name: r.channelType === 'group' ? (names.get(r.channelId) ?? 'group') : (peer?.displayName ?? ''),
        peer: peer ? { id: peer.id, username: peer.username, displayName: peer.displayName } : null,
        lastMessage: messageByChannel.get(r.channelId) ?? null,
        unreadCount: Math.min(Math.max(r.unreadCount, 0), UNREAD_CAP),
        readUpTo: r.readUpTo,
        lastActivityAt: new Date(snowflakeTime(r.activityId)).toISOString(),
      };
    });
  }
}

function parseCursor(before: string): ListPosition {
  const m = CURSOR.exec(before);
  if (!m) throw AppError.badRequest('before must be a nextBefore of an earlier page');
  return { activityId: m[1], channelId: m[2] };
}
