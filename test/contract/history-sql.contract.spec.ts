import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { dataSourceOptions, RelationalTarget } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
import { MIGRATIONS } from '../../src/database/migrations';
import { ChangeLog1796284142706 } from '../../src/database/migrations/1796284142706-change-log';
import { padId } from '../../src/ids/padded-id';
import { bucketOf } from '../../src/messaging/history/history.store';
import { ChannelMessageRow, InboxRow, ReactionRow } from '../../src/messaging/message.entities';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { SnowflakeGenerator } from '../../src/ids/snowflake';
import type { HistoryStore } from '../../src/messaging/history/history.store';
import { SqlHistoryStore } from '../../src/messaging/history/sql-history.store';
import type { Message } from '../../src/messaging/message';
import { SqliteHistoryStore } from '../../src/messaging/history/sqlite-history.store';
import { tempDataDir } from '../support/app';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';
import { historyContract, OpenedHistory } from './history.contract';

/**
 * The tables of the database in which any text column holds `text`: every table and column the database has,
 * listed from its catalogue, not from the entities.
 */
async function tablesContaining(ds: DataSource, text: string): Promise<string[]> {
  const pg = ds.options.type === 'postgres';
  const columns: { table: string; column: string }[] = pg
    ? await ds.query(
        "SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')",
      )
    : await ds.query(
        "SELECT m.name AS \"table\", p.name AS \"column\" FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND (p.type LIKE '%char%' OR p.type LIKE '%text%' OR p.type = '')",
      );
  const found = new Set<string>();
  for (const { table, column } of columns) {
    const sql = `SELECT 1 FROM "${table}" WHERE strpos("${column}", ${pg ? '$1' : '?'}) > 0 LIMIT 1`;
    const hits: unknown[] = await ds.query(pg ? sql : sql.replace('strpos', 'instr'), [text]);
    if (hits.length) found.add(table);
  }
  return [...found].sort();
}

async function sqlStore(databaseUrl?: string): Promise<OpenedHistory> {
  const ds = await migratedDataSource(databaseUrl);
  return {
    store: new SqlHistoryStore(ds),
    close: () => ds.destroy(),
    tablesContaining: (text) => tablesContaining(ds, text),
  };
}

describe('history contract: SQL adapter on embedded SQLite', () => {
  historyContract(() => sqlStore());
});

describe('history contract: SQLite adapter with group commit', () => {
  historyContract(async () => {
    const ds = await new DataSource(
      dataSourceOptions({ dataDir: tempDataDir(), migrateOnStart: false, entities: ENTITIES }),
    ).initialize();
    const writer = new SqliteWriter(ds);
    return {
      store: new SqliteHistoryStore(writer),
      close: async () => {
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
      tablesContaining: (text) => tablesContaining(ds, text),
    };
  });
});

describeWith(['postgres'], 'history contract: SQL adapter on Postgres', ({ postgres }) => {
  historyContract(() => sqlStore(postgres));
});

describeWith(
  ['postgres'],
  'SQL history on Postgres: the writes of one turn share a statement',
  ({ postgres }) => {
    let store: HistoryStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ store, close } = await sqlStore(postgres)));
    afterAll(() => close());

    const message = (id: string, channelId: string): Message => ({
      id,
      channelId,
      channelType: 'dm',
      senderId: randomUUID(),
      content: `content ${id}`,
      clientMsgId: `c-${id}`,
      createdAt: new Date().toISOString(),
    });

    it('fails only the write whose row the database refuses; the others of its turn are stored', async () => {
      const ids = new SnowflakeGenerator(9);
      const good = [0, 1, 2].map(() => message(ids.next().toString(), `dm:${randomUUID()}`));
      const refused = message(ids.next().toString(), `dm:${'x'.repeat(100)}`); // longer than varchar(80)
      const results = await Promise.allSettled([
        store.saveMessage(good[0]),
        store.saveMessage(refused),
        store.saveMessage(good[1]),
        store.addToInboxes([randomUUID(), randomUUID()], good[2]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await store.getMessage(good[0].channelId, good[0].id)).toEqual(good[0]);
      expect(await store.getMessage(good[1].channelId, good[1].id)).toEqual(good[1]);
      expect(await store.getMessage(refused.channelId, refused.id)).toBeNull();
    });
  },
);

/** The message tables as they were before the change log (commit 276494d~1): inbox rows carried a copy. */
@Entity('messages_by_channel')
class LegacyChannelRow {
  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 80 }) channelId!: string;
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 20 }) messageId!: string;
  @Column({ type: 'integer' }) bucket!: number;
  @Column({ name: 'channel_type', type: 'varchar', length: 8 }) channelType!: string;
  @Column({ name: 'sender_id', type: 'varchar', length: 36 }) senderId!: string;
  @Column({ type: 'text' }) content!: string;
  @Column({ name: 'client_msg_id', type: 'varchar', length: 64 }) clientMsgId!: string;
  @Column({ name: 'created_at', type: 'bigint' }) createdAt!: string | number;
}

@Entity('inbox_by_user')
class LegacyInboxRow {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 }) userId!: string;
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 20 }) messageId!: string;
  @Column({ type: 'integer' }) bucket!: number;
  @Column({ name: 'channel_id', type: 'varchar', length: 80 }) channelId!: string;
  @Column({ name: 'channel_type', type: 'varchar', length: 8 }) channelType!: string;
  @Column({ name: 'sender_id', type: 'varchar', length: 36 }) senderId!: string;
  @Column({ type: 'text' }) content!: string;
  @Column({ name: 'client_msg_id', type: 'varchar', length: 64 }) clientMsgId!: string;
  @Column({ name: 'created_at', type: 'bigint' }) createdAt!: string | number;
}

const LEGACY_ENTITIES = [
  ...ENTITIES.filter((e) => !([ChannelMessageRow, InboxRow, ReactionRow] as unknown[]).includes(e)),
  LegacyChannelRow,
  LegacyInboxRow,
];

/** A DM and a group message with their inbox copies, written as the code before the change log wrote them. */
async function writeLegacyRows(ds: DataSource) {
  const ids = new SnowflakeGenerator(11);
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const legacy = (channelId: string, channelType: 'dm' | 'group', to: string[]) => ({
    message: {
      id: ids.next().toString(),
      channelId,
      channelType,
      senderId: a,
      content: `legacy ${randomUUID()}`,
      clientMsgId: randomUUID(),
      createdAt: new Date().toISOString(),
    } satisfies Message,
    to,
  });
  const sent = [
    legacy(`dm:${[a, b].sort().join(':')}`, 'dm', [a, b]),
    legacy(`group:${randomUUID()}`, 'group', [a, b, c]),
    legacy(`dm:${[a, b].sort().join(':')}`, 'dm', [a, b]),
  ];
  for (const { message: m, to } of sent) {
    const row = {
      channelId: m.channelId,
      messageId: padId(m.id),
      bucket: bucketOf(m.id),
      channelType: m.channelType,
      senderId: m.senderId,
      content: m.content,
      clientMsgId: m.clientMsgId,
      createdAt: Date.parse(m.createdAt),
    };
    await ds.getRepository(LegacyChannelRow).insert(row);
    await ds.getRepository(LegacyInboxRow).insert(to.map((userId) => ({ ...row, userId })));
  }
  return { users: [a, b, c], messages: sent.map((s) => s.message) };
}

/** What the store answers for legacy rows after the upgrade, and that sync goes on from a legacy cursor. */
async function expectLegacyRowsRead(
  store: HistoryStore,
  ds: DataSource,
  legacy: Awaited<ReturnType<typeof writeLegacyRows>>,
) {
  const [a, , c] = legacy.users;
  const [dm1, group, dm2] = legacy.messages;
  const entry = (m: Message) => ({
    changeId: m.id,
    kind: 'new',
    channelId: m.channelId,
    channelType: m.channelType,
    messageId: m.id,
  });
  expect(await store.changesAfter(a, undefined, 10)).toEqual([entry(dm1), entry(group), entry(dm2)]);
  expect(await store.changesAfter(c, undefined, 10)).toEqual([entry(group)]);
  const refs = legacy.messages.map((m) => ({ channelId: m.channelId, id: m.id }));
  const byId = (ms: Message[]) => [...ms].sort((x, y) => x.id.localeCompare(y.id));
  expect(byId(await store.getMessages(refs))).toEqual(byId(legacy.messages));
  expect(await store.channelPage(dm1.channelId, undefined, 10)).toEqual([dm2, dm1]);
  // the inbox copies are gone with their columns: the text is left in the channel's row only
  expect(await tablesContaining(ds, dm1.content)).toEqual(['messages_by_channel']);

  const ids = new SnowflakeGenerator(12);
  const editId = ids.next().toString();
  const editedAt = new Date().toISOString();
  await store.updateContent(dm1.channelId, dm1.id, { content: 'edited after the upgrade', editedAt });
  await store.appendChange([a], { ...entry(dm1), changeId: editId, kind: 'edit' });
  expect(await store.changesAfter(a, dm2.id, 10)).toEqual([
    { ...entry(dm1), changeId: editId, kind: 'edit' },
  ]);
  expect(await store.getMessage(dm1.channelId, dm1.id)).toEqual({
    ...dm1,
    content: 'edited after the upgrade',
    editedAt,
  });
}

describe('SQL history: an embedded SQLite file written before the change log', () => {
  it('keeps its messages and change logs when opened with the new entities, and reads them', async () => {
    const dataDir = tempDataDir();
    const options = (entities: RelationalTarget['entities']) =>
      dataSourceOptions({ dataDir, migrateOnStart: false, entities });
    const old = await new DataSource(options(LEGACY_ENTITIES)).initialize();
    const legacy = await writeLegacyRows(old);
    await old.destroy();

    const ds = await new DataSource(options(ENTITIES)).initialize();
    const writer = new SqliteWriter(ds);
    try {
      await expectLegacyRowsRead(new SqliteHistoryStore(writer), ds, legacy);
      expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await writer.onApplicationShutdown();
      await ds.destroy();
    }
  });
});

describeWith(
  ['postgres'],
  'SQL history: a Postgres database written before the change log',
  ({ postgres }) => {
    const name = `chat_legacy_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const url = new URL(postgres);
    url.pathname = `/${name}`;
    let admin: DataSource;
    beforeAll(async () => {
      admin = await new DataSource({ type: 'postgres', url: postgres }).initialize();
      await admin.query(`CREATE DATABASE "${name}"`);
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.destroy();
    });

    it('reads its messages and change logs after the migration', async () => {
      const old = await new DataSource({
        type: 'postgres',
        url: url.toString(),
        entities: LEGACY_ENTITIES,
        migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(ChangeLog1796284142706)),
      }).initialize();
      const legacy = await old
        .runMigrations({ transaction: 'each' })
        .then(() => writeLegacyRows(old))
        .finally(() => old.destroy());

      const ds = await migratedDataSource(url.toString());
      try {
        await expectLegacyRowsRead(new SqlHistoryStore(ds), ds, legacy);
      } finally {
        await ds.destroy();
      }
    });
  },
);
