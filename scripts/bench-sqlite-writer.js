#!/usr/bin/env node
// Throughput of the embedded store's group-commit writer (dist/database/sqlite-writer.js), alone: no HTTP,
// no sockets. Each write is shaped like a send: a dedupe claim, the message row and two inbox rows, and a
// read of the claim, in one atomic write. CONCURRENCY writes are kept in flight until TOTAL are committed.
//   npm run build && node scripts/bench-sqlite-writer.js [TOTAL=200000] [CONCURRENCY=500]
// DIST=<folder> runs another build (to compare before and after a change).
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
require('reflect-metadata');
const { DataSource } = require('typeorm');
const dist = process.env.DIST ?? join(__dirname, '..', 'dist');
const { dataSourceOptions } = require(join(dist, 'database', 'data-source-options'));
const { SqliteWriter } = require(join(dist, 'database', 'sqlite-writer'));

const TOTAL = Number(process.argv[2] ?? 200_000);
const CONCURRENCY = Number(process.argv[3] ?? 500);

const SQL = {
  claim:
    'INSERT INTO claim (sender, client_msg_id, message_id) VALUES (?, ?, ?) ON CONFLICT (sender, client_msg_id) DO NOTHING',
  message: 'INSERT INTO message (id, channel, sender, content, created_at) VALUES (?, ?, ?, ?, ?)',
  inbox: 'INSERT INTO inbox (user_id, message_id) VALUES (?, ?)',
  read: 'SELECT message_id FROM claim WHERE sender = ? AND client_msg_id = ?',
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sqlite-writer-'));
  const ds = await new DataSource(dataSourceOptions({ dataDir, migrateOnStart: false, entities: [] })).initialize();
  const writer = new SqliteWriter(ds);
  await writer.write({
    steps: [
      { sql: 'CREATE TABLE claim (sender TEXT, client_msg_id TEXT, message_id TEXT, PRIMARY KEY (sender, client_msg_id))', rows: [[]] },
      { sql: 'CREATE TABLE message (id TEXT PRIMARY KEY, channel TEXT, sender TEXT, content TEXT, created_at INTEGER)', rows: [[]] },
      { sql: 'CREATE TABLE inbox (user_id TEXT, message_id TEXT, PRIMARY KEY (user_id, message_id))', rows: [[]] },
    ],
  });
  let issued = 0;
  const send = (n) => {
    const id = String(n).padStart(20, '0');
    const sender = `u${n % 1000}`;
    return writer.write({
      steps: [
        { sql: SQL.claim, rows: [[sender, `c${n}`, id]] },
        { sql: SQL.message, rows: [[id, `dm:${n % 500}`, sender, 'hello there, a short chat message', Date.now()]] },
        { sql: SQL.inbox, rows: [[sender, id], [`p${n % 1000}`, id]] },
      ],
      claim: 0,
      read: { sql: SQL.read, params: [sender, `c${n}`] },
    });
  };
  const lane = async () => {
    while (issued < TOTAL) await send(issued++);
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${TOTAL} writes, ${CONCURRENCY} in flight: ${seconds.toFixed(2)} s, ${Math.round(TOTAL / seconds)} writes/s`,
  );
  await writer.onApplicationShutdown();
  await ds.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
