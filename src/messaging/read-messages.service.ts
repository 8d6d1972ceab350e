import { Injectable } from '@nestjs/common';
import { ChannelAccess } from './channel-access';
import { ConversationStore, MarkerChange } from '../conversations/conversation-store';
import { ChangeEntry, HistoryStore } from './history/history.store';
import { HistoryPageDto, SyncPageDto } from './messaging.dto';

/** Reading: a device catching up on its inbox after a cursor, and a channel's history page by page. */
@Injectable()
export class ReadMessagesService {
  constructor(
    private readonly history: HistoryStore,
    private readonly access: ChannelAccess,
    private readonly conversations: ConversationStore,
  ) {}

  /**
   * Up to `limit` entries of the user's change log after the cursor (a change id or a message id), answered
   * as the messages they concern: each at most once, in its current state, in the order of its latest change
   * on the page. A member removed from a group gets no entries from the removal on (changes are appended
   * to the members at the time of the change), so their devices stop getting its changes there; entries from
   * before the removal still sync.
   *
   * Read markers ride in the same log: a marker that moved after the cursor (in a channel the user is in now)
   * is a receipt, ordered by the change id it moved at, and counts against `limit` like an entry.
   */
  async sync(userId: string, after: string | undefined, limit = 100): Promise<SyncPageDto> {
    const [entries, markers] = await Promise.all([
      this.history.changesAfter(userId, after, limit + 1),
      this.conversations.receiptsAfter(userId, after ?? '0', limit + 1),
    ]);
    // One log in change order: entries and moved markers, `limit` of them in all.
    const page: ChangeEntry[] = [];
    const receipts: MarkerChange[] = [];
    let [i, j] = [0, 0];
    while (page.length + receipts.length < limit && (i < entries.length || j < markers.length)) {
      const takeEntry =
        j >= markers.length ||
        (i < entries.length && BigInt(entries[i].changeId) < BigInt(markers[j].changeId));
      if (takeEntry) page.push(entries[i++]);
      else receipts.push(markers[j++]);
    }
    const lastEntry = page.length ? BigInt(page[page.length - 1].changeId) : 0n;
    const lastMarker = receipts.length ? BigInt(receipts[receipts.length - 1].changeId) : 0n;
    const covered = lastEntry > lastMarker ? lastEntry : lastMarker;
    const latest = new Map<string, ChangeEntry>();
    for (const e of page) {
      const key = `${e.channelId}/${e.messageId}`;
      latest.delete(key); // re-inserted: the map's order is the order of each message's latest change
      latest.set(key, e);
    }
    const wanted = [...latest.values()];
    const found = await this.history.getMessages(
      wanted.map((e) => ({ channelId: e.channelId, id: e.messageId })),
    );
    const byKey = new Map(found.map((m) => [`${m.channelId}/${m.id}`, m]));
    const messages = wanted.flatMap((e) => byKey.get(`${e.channelId}/${e.messageId}`) ?? []);
    return {
      messages,
      receipts: receipts.map(({ channelId, userId: reader, messageId }) => ({
        channelId,
        userId: reader,
        messageId,
      })),
      cursor: covered > 0n ? covered.toString() : (after ?? '0'),
      hasMore: i < entries.length || j < markers.length,
    };
  }

  async channelHistory(
    userId: string,
    channelId: string,
    before: string | undefined,
    limit = 50,
  ): Promise<HistoryPageDto> {
    const { visibleFrom } = await this.access.forMember(userId, channelId);
    const rows = await this.history.channelPage(channelId, before, limit + 1);
    // A group member added later sees the group's history from the moment they joined.
    const from = BigInt(visibleFrom);
    const visible = rows.filter((m) => BigInt(m.id) >= from);
    const messages = visible.slice(0, limit);
    return { messages, nextBefore: visible.length > limit ? messages[messages.length - 1].id : null };
  }
}
