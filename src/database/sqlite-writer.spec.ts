import { DataSource } from 'typeorm';
import { tempDataDir } from '../../test/support/app';
import { dataSourceOptions } from './data-source-options';
import { SqliteWriter } from './sqlite-writer';

describe('SqliteWriter', () => {
  let ds: DataSource;
  let writer: SqliteWriter;
  beforeAll(async () => {
    ds = await new DataSource(
      dataSourceOptions({ dataDir: tempDataDir(), migrateOnStart: false }),
    ).initialize();
    writer = new SqliteWriter(ds);
    await writer.write({
      steps: [{ sql: 'CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)', rows: [[]] }],
    });
  });
  afterAll(async () => {
    await writer.onApplicationShutdown();
    await ds.destroy();
  });
  const keys = () =>
    (writer.statement('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);

  it('keeps none of a write whose later statement fails, and all of the other writes in its batch', async () => {
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    const results = await Promise.allSettled([
      writer.write({ steps: [{ sql: insert, rows: [['a', '1']] }] }),
      writer.write({
        steps: [
          { sql: insert, rows: [['b', '1']] },
          { sql: insert, rows: [['c', null]] },
        ],
      }),
      writer.write({ steps: [{ sql: insert, rows: [['d', '1']] }] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(keys()).toEqual(['a', 'd']);
  });

  it('answers each write with its own read, inside the same commit', async () => {
    const [x, y] = await Promise.all(
      ['x', 'y'].map((k) =>
        writer.write<{ v: string }>({
          steps: [{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', rows: [[k, `value ${k}`]] }],
          read: { sql: 'SELECT v FROM t WHERE k = ?', params: [k] },
        }),
      ),
    );
    expect([x.v, y.v]).toEqual(['value x', 'value y']);
  });
});
