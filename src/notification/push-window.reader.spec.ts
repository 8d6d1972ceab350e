import { snowflakeAt } from '../ids/snowflake';
import { ChangeEntry, HistoryStore, MessageRef } from '../messaging/history/history.store';
import type { Message } from '../messaging/message';
import { PushWindowReader } from './push-window.reader';

/** One user's change log of `new` entries, oldest first, served in pages as the real stores do. */
class InboxOnly extends HistoryStore {
  constructor(private readonly inbox: Message[]) {
    super();
  }
  async changesAfter(_userId: string, after: string | undefined, limit: number): Promise<ChangeEntry[]> {
    return this.inbox
      .filter((m) => after === undefined || BigInt(m.id) > BigInt(after))
      .slice(0, limit)
      .map((m) => ({
        changeId: m.id,
        kind: 'new',
        channelId: m.channelId,
        channelType: m.channelType,
        messageId: m.id,
      }));
  }
  async getMessages(refs: readonly MessageRef[]): Promise<Message[]> {
    return this.inbox.filter((m) => refs.some((r) => r.id === m.id && r.channelId === m.channelId));
  }
  async saveMessage(): Promise<void> {}
  async addToInboxes(): Promise<void> {}
  async appendChange(): Promise<void> {}
  async updateContent(): Promise<void> {}
  async setReaction(): Promise<void> {}
  async countUnread(): Promise<number> {
    return 0;
  }
  async getMessage(): Promise<Message | null> {
    return null;
  }
  async channelPage(): Promise<Message[]> {
    return [];
  }
}

const T0 = Date.UTC(2026, 0, 1);
let seq = 0;
const at = (ms: number, channelId: string, senderId: string): Message => ({
  id: (snowflakeAt(T0 + ms) + BigInt(++seq)).toString(),
  channelId,
  channelType: 'dm',
  senderId,
  content: `at ${ms}`,
  clientMsgId: `c${seq}`,
  createdAt: new Date(T0 + ms).toISOString(),
});

describe('PushWindowReader', () => {
  it("counts the channel's messages from others between the first message and the window end", async () => {
    const before = at(-10, 'dm:a:b', 'a');
    const first = at(0, 'dm:a:b', 'a');
    const inbox = [
      before,
      first,
      at(100, 'g1', 'c'), // another channel
      at(200, 'dm:a:b', 'b'), // the user's own message from another device
      at(300, 'dm:a:b', 'a'),
      at(2_000, 'dm:a:b', 'a'), // the last one inside the window
      at(2_001, 'dm:a:b', 'a'), // the next window's
    ];
    const s = await new PushWindowReader(new InboxOnly(inbox)).summarize('b', 'dm:a:b', first.id, T0 + 2_000);
    expect(s?.count).toBe(3);
    expect(s?.latest).toEqual(inbox[5]);
  });

  it('leaves out a message deleted by the time the job runs', async () => {
    const first = at(0, 'dm:a:b', 'a');
    const gone = { ...at(100, 'dm:a:b', 'a'), content: '', deletedAt: new Date(T0 + 150).toISOString() };
    const reader = new PushWindowReader(new InboxOnly([first, gone]));
    expect(await reader.summarize('b', 'dm:a:b', first.id, T0 + 2_000)).toEqual({ count: 1, latest: first });
    expect(
      await new PushWindowReader(new InboxOnly([gone])).summarize('b', 'dm:a:b', gone.id, T0 + 2_000),
    ).toBeNull();
  });

  it('reads on across pages', async () => {
    const inbox = Array.from({ length: 450 }, (_, i) => at(i, i % 2 ? 'dm:a:b' : 'g1', 'a'));
    const s = await new PushWindowReader(new InboxOnly(inbox)).summarize(
      'b',
      'dm:a:b',
      inbox[0].id,
      T0 + 10_000,
    );
    expect(s?.count).toBe(225);
    expect(s?.latest).toEqual(inbox[449]);
  });

  it('finds nothing when the window holds nothing for the user', async () => {
    const first = at(0, 'g1', 'a');
    const reader = new PushWindowReader(new InboxOnly([first, at(10, 'g1', 'b')]));
    expect(await reader.summarize('b', 'dm:a:b', first.id, T0 + 2_000)).toBeNull();
    // A first message the inbox does not hold (the user left the group before it was sent).
    const later = (snowflakeAt(T0 + 1_000) + 1n).toString();
    expect(await reader.summarize('b', 'g1', later, T0 + 2_000)).toBeNull();
  });
});
