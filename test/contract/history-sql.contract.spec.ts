import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';
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
