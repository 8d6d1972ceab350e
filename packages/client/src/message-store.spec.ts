import type { Message } from './contract';
import { compareIds, maxId } from './ids';
import { MessageStore } from './message-store';

const msg = (id: string, over: Partial<Message> = {}): Message => ({
  id,
  channelId: 'c1',
  channelType: 'group',
  senderId: 'u1',
  content: `text ${id}`,
  clientMsgId: `m${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('MessageStore', () => {
  it('keeps one copy per id, ordered by id as BigInt (past 2^53 too)', () => {
    const s = new MessageStore();
    const big = '9007199254740993'; // 2^53 + 1: equal to 2^53 as a JS number
    s.upsert([msg(big), msg('9007199254740992'), msg(big)]);
    expect(s.list('c1').map((m) => m.id)).toEqual(['9007199254740992', big]);
  });

  it('answers only what changed: a repeat of the same state is no change', () => {
    const s = new MessageStore();
    expect(s.upsert([msg('1')])).toHaveLength(1);
    expect(s.upsert([msg('1')])).toHaveLength(0);
    expect(s.upsert([msg('1', { reactions: [{ emoji: '👍', userIds: ['u2'] }] })])).toHaveLength(1);
  });

  it('never brings a tombstone back nor lets an older edit replace a newer one', () => {
    const s = new MessageStore();
    s.upsert([msg('1', { content: 'v2', editedAt: '2026-01-01T00:02:00.000Z' })]);
    s.upsert([msg('1', { content: 'v1', editedAt: '2026-01-01T00:01:00.000Z' })]);
    s.upsert([msg('1')]);
    expect(s.get('c1', '1')?.content).toBe('v2');
    s.upsert([msg('1', { content: '', deletedAt: '2026-01-01T00:03:00.000Z' })]);
    s.upsert([msg('1', { content: 'v2', editedAt: '2026-01-01T00:02:00.000Z' })]);
    expect(s.get('c1', '1')?.deletedAt).toBeDefined();
  });
});

describe('ids', () => {
  it('compare as BigInt', () => {
    expect(compareIds('9007199254740993', '9007199254740992')).toBe(1);
    expect(maxId(undefined, '5')).toBe('5');
    expect(maxId('10', '9')).toBe('10');
  });
});
