import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SqliteConversationStore } from '../../src/conversations/sqlite-conversation.store';
import { Conversations1796294764697 } from '../../src/database/migrations/1796294764697-conversations';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { GroupEntity, GroupMemberEntity } from '../../src/groups/group.entities';
import { padId } from '../../src/ids/padded-id';
import { snowflakeAt } from '../../src/ids/snowflake';
import { ChannelMessageRow } from '../../src/messaging/message.entities';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

/**
 * An upgrade to conversation state: a store with memberships and messages but no conversation rows gets every
 * group membership and every DM with a message in its list, everything there counted as read.
 */
async function seedLegacy(ds: DataSource) {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const group = randomUUID();
  const empty = randomUUID();
  const dm = a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
  const id = (ms: number, n: number) => (snowflakeAt(ms) + BigInt(n)).toString();
  const t = Date.now() - 60_000;
  await ds.getRepository(GroupEntity).insert([
    { id: group, name: 'legacy', ownerId: a, memberCount: 2 },
    { id: empty, name: 'quiet', ownerId: c, memberCount: 1 },
  ]);
  await ds.getRepository(GroupMemberEntity).insert([
    { groupId: group, userId: a, role: 'owner', visibleFrom: padId('0') },
    { groupId: group, userId: c, role: 'member', visibleFrom: padId('0') },
    { groupId: empty, userId: c, role: 'owner', visibleFrom: padId('0') },
  ]);
  const row = (channelId: string, channelType: string, messageId: string, senderId: string) => ({
    channelId,
    messageId: padId(messageId),
    bucket: 0,
    channelType,
    senderId,
    content: 'old',
    clientMsgId: randomUUID(),
    createdAt: t,
  });
  const [g1, g2, d1, d2] = [id(t, 1), id(t, 2), id(t, 3), id(t, 4)];
  await ds
    .getRepository(ChannelMessageRow)
    .insert([
      row(group, 'group', g1, a),
      row(group, 'group', g2, c),
      row(dm, 'dm', d1, a),
      row(dm, 'dm', d2, b),
    ]);
  return { a, b, c, group, empty, dm, g2, d2 };
}

async function conversationsOf(ds: DataSource, userId: string) {
  const pg = ds.options.type === 'postgres';
  const rows: Record<string, unknown>[] = await ds.query(
    `SELECT channel_id AS "channelId", channel_type AS "type", peer_id AS "peer", last_message_id AS "last", read_up_to AS "read", unread_count AS "unread", activity_id AS "activity" FROM conversations WHERE user_id = ${pg ? '$1' : '?'} ORDER BY channel_id`,
    [userId],
  );
  return rows.map(
    (r) => ({ ...r, unread: Number(r.unread) }) as Record<string, unknown> & { unread: number },
  );
}

function expectBackfilled(
  rows: Awaited<ReturnType<typeof conversationsOf>>[],
  s: Awaited<ReturnType<typeof seedLegacy>>,
) {
  const [ofA, ofB, ofC] = rows;
  expect(ofA).toEqual(
    [
      {
        channelId: s.group,
        type: 'group',
        peer: null,
        last: padId(s.g2),
        read: padId(s.g2),
        unread: 0,
        activity: padId(s.g2),
      },
      {
        channelId: s.dm,
        type: 'dm',
        peer: s.b,
        last: padId(s.d2),
        read: padId(s.d2),
        unread: 0,
        activity: padId(s.d2),
      },
    ].sort((x, y) => x.channelId.localeCompare(y.channelId)),
  );
  expect(ofB).toEqual([
    {
      channelId: s.dm,
      type: 'dm',
      peer: s.a,
      last: padId(s.d2),
      read: padId(s.d2),
      unread: 0,
      activity: padId(s.d2),
    },
  ]);
  // c's quiet group: no message, activity from the join (a Snowflake of a recent time)
  const quiet = ofC.find((r) => r.channelId === s.empty)!;
  expect(quiet).toMatchObject({ type: 'group', last: null, read: null, unread: 0 });
  expect(BigInt(quiet.activity as string)).toBeGreaterThan(snowflakeAt(Date.now() - 3_600_000));
}

describe('conversation backfill: the embedded file on its first start after the upgrade', () => {
  it('fills the list from memberships and messages, all read', async () => {
    const ds = await migratedDataSource();
    const writer = new SqliteWriter(ds);
    try {
      const seeded = await seedLegacy(ds);
      await ds.query('DELETE FROM conversations');
      await new SqliteConversationStore(writer).onModuleInit();
      expectBackfilled(
        await Promise.all([seeded.a, seeded.b, seeded.c].map((u) => conversationsOf(ds, u))),
        seeded,
      );
    } finally {
      await writer.onApplicationShutdown();
      await ds.destroy();
    }
  });
});

describeWith(['postgres'], 'conversation backfill: the Postgres migration', (urls) => {
  it('fills the list from memberships and messages, all read', async () => {
    // A database of its own: the migration is run again here, on a table this test drops.
    const name = `chat_backfill_${randomBytes(4).toString('hex')}`;
    const admin = await migratedDataSource(urls.postgres);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(urls.postgres);
    url.pathname = `/${name}`;
    const ds = await migratedDataSource(url.toString());
    try {
      const seeded = await seedLegacy(ds);
      const q = ds.createQueryRunner();
      await q.query('DROP TABLE conversations');
      await new Conversations1796294764697().up(q);
      await q.release();
      expectBackfilled(
        await Promise.all([seeded.a, seeded.b, seeded.c].map((u) => conversationsOf(ds, u))),
        seeded,
      );
    } finally {
      await ds.destroy();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.destroy();
    }
  });
});
