import { fdatasyncSync, openSync } from 'node:fs';
import { MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  FlatWrites,
  nextWrite,
  readIndex,
  WriterBatch,
  WriterData,
  WriterReply,
} from './sqlite-writer.protocol';

/**
 * The writer thread of SqliteWriter: its own connection to the same file. When it is free it takes every
 * batch waiting on its port and commits them in one transaction: the commit (and its fsync) covers everything
 * that arrived during the last one. The commit runs at `synchronous = NORMAL` and the WAL is fdatasync'ed right
 * after it, before the answer: as durable as FULL, but the file's write lock is not held across the fsync, so
 * the main connection's own writes (sign-ups, friend requests) wait milliseconds less for it. Each write is atomic: the transaction runs without savepoints, and only if
 * a write fails is it rolled back and run again with one savepoint per write, so the failed one alone is left
 * out.
 */

/** The part of better-sqlite3's API the writer uses (the package ships no types). */
interface Statement {
  run(params: unknown[]): { changes: number };
  get(params: unknown[]): unknown;
}
interface Database {
  pragma(source: string): unknown;
  prepare(sql: string): Statement;
  /** Wraps `fn` in a transaction; called inside another one, in a savepoint. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
type OpenDatabase = new (file: string) => Database;

const data = workerData as WriterData;
const port = parentPort as MessagePort;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a resolved path, and the package has no types
const Sqlite = require(data.driver) as OpenDatabase;
const db = new Sqlite(data.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 10000');
/** The WAL file, opened at the first commit (it exists from then on); fsync is per file, not per descriptor. */
let wal: number | undefined;
function syncWal(): void {
  wal ??= openSync(`${data.file}-wal`, 'r');
  fdatasyncSync(wal);
}
// The main connection does not checkpoint (wal_autocheckpoint = 0 there, so no checkpoint runs on the event
// loop); this connection does, at its commits (every 1,000 pages) and every few seconds for the main
// connection's writes when no send comes in. PASSIVE: it never waits for a reader.
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), 5_000);
const statements: Statement[] = [];

/** Runs the write at f[at] and answers its value (the read, or undefined). */
function apply(f: FlatWrites, at: number): unknown {
  let i = at;
  const claim = f[i++] as number;
  const steps = f[i++] as number;
  let held = false;
  for (let j = 0; j < steps && !held; j++) {
    const s = statements[f[i++] as number];
    const rows = f[i++] as number;
    const width = f[i++] as number;
    for (let r = 0; r < rows; r++, i += width) {
      const changes = s.run(f.slice(i, i + width)).changes;
      if (j === claim && changes === 0) held = true;
    }
  }
  if (claim >= 0 && !held) return undefined;
  const r = readIndex(f, at);
  const read = f[r] as number;
  const n = f[r + 1] as number;
  return read >= 0 ? statements[read].get(f.slice(r + 2, r + 2 + n)) : undefined;
}

const inSavepoint = db.transaction(apply);
const fast = db.transaction((writes: FlatWrites[]) => {
  const values: unknown[] = [];
  for (const f of writes) for (let at = 0; at < f.length; at = nextWrite(f, at)) values.push(apply(f, at));
  return values;
});
const careful = db.transaction((writes: FlatWrites[]) => {
  const values: unknown[] = [];
  const failed: [number, string][] = [];
  for (const f of writes)
    for (let at = 0; at < f.length; at = nextWrite(f, at)) {
      try {
        values.push(inSavepoint(f, at));
      } catch (e) {
        failed.push([values.length, messageOf(e)]);
        values.push(undefined);
      }
    }
  return { values, failed };
});

function messageOf(e: unknown): string {
  return String((e as { message?: unknown } | null)?.message || e);
}

port.on('message', (first: WriterBatch) => {
  const batches = [first];
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port))
    batches.push(m.message as WriterBatch);
  try {
    for (const b of batches) for (const [id, sql] of b.defs) statements[id] = db.prepare(sql);
    const writes = batches.map((b) => b.writes);
    let reply: WriterReply;
    try {
      reply = { batches: batches.length, values: fast(writes) };
    } catch {
      reply = { batches: batches.length, ...careful(writes) };
    }
    syncWal();
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ batches: batches.length, error: messageOf(e) } satisfies WriterReply);
  }
});
