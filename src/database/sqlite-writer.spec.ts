import { DataSource } from 'typeorm';
import { tempDataDir } from '../../test/support/app';
import { ENTITIES } from '../entities';
import { dataSourceOptions } from './data-source-options';
import { SqliteWriter } from './sqlite-writer';

describe('SqliteWriter', () => {
  let ds: DataSource;
  let writer: SqliteWriter;
  beforeAll(async () => {
    ds = await new DataSource(
      dataSourceOptions({ dataDir: tempDataDir(), migrateOnStart: false, entities: ENTITIES }),
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

  it('runs the steps after a claim only when the claim changes a row, and reads only when it does not', async () => {
    // The claim: insert k, or change nothing when k exists.
    const claim = (k: string, v: string) =>
      writer.write<{ v: string } | undefined>({
        steps: [
          { sql: 'INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING', rows: [[k, v]] },
          { sql: 'INSERT INTO t (k, v) VALUES (?, ?)', rows: [[`${k}-then`, v]] },
        ],
        claim: 0,
        read: { sql: 'SELECT v FROM t WHERE k = ?', params: [k] },
      });
    expect(await claim('claimed', 'first')).toBeUndefined();
    expect(await claim('claimed', 'second')).toEqual({ v: 'first' });
    const rows = writer.statement("SELECT k, v FROM t WHERE k LIKE 'claimed%' ORDER BY k").all();
    expect(rows).toEqual([
      { k: 'claimed', v: 'first' },
      { k: 'claimed-then', v: 'first' },
    ]);
  });

  it('turns down a write whose rows differ in width, and keeps serving the others', async () => {
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)';
    await expect(writer.write({ steps: [{ sql: insert, rows: [['w1', '1'], ['w2']] }] })).rejects.toThrow(
      /same width/,
    );
    await writer.write({ steps: [{ sql: insert, rows: [['w3', '1']] }] });
    expect(keys()).toContain('w3');
    expect(keys()).not.toContain('w1');
  });
});
