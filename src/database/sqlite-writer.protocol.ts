/**
 * What SqliteWriter (main thread) and its writer thread (sqlite-writer.worker.ts) say to each other, and the
 * layout of a batch's writes. Both sides import this file and nothing else of each other.
 */

/**
 * One write: statements run with each row of parameters, then an optional read inside the same transaction.
 * A write is atomic: when one of its statements fails, none of them is kept.
 *
 * A conditional write names its `claim` step (an upsert that changes no row when someone else holds what it
 * claims). When the claim changes a row, every step runs and the write answers `undefined`, with no read;
 * when it changes none, the steps after it are skipped and `read` answers (who holds the claim).
 */
export interface WriteOp {
  steps: { sql: string; rows: unknown[][] }[];
  claim?: number;
  read?: { sql: string; params: unknown[] };
}

/** What the writer thread is started with. */
export interface WriterData {
  /** The resolved path of better-sqlite3, so the thread loads the same copy as the main connection. */
  driver: string;
  /** The database file the main connection has open. */
  file: string;
}

/**
 * One batch, main thread to writer: the statements the writer has not seen yet (id, SQL), and the batch's
 * writes as one flat array (see encodeWrite): one structured clone of primitives instead of a tree of small
 * objects per write.
 */
export interface WriterBatch {
  defs: [number, string][];
  writes: FlatWrites;
}

/**
 * The writer's answer for the oldest `batches` batches it was sent: one value per write, in order, and the
 * writes that failed, by index. Or `error` when the whole commit failed.
 */
export interface WriterReply {
  batches: number;
  values?: unknown[];
  failed?: [number, string][];
  error?: string;
}

/**
 * Writes laid end to end. Per write:
 *   claim step (-1: none), step count, then per step: statement id, row count, row width, the values row by
 *   row; then the read's statement id (-1: none), its parameter count and parameters.
 * The counts and ids are numbers; everything else is a statement parameter.
 */
export type FlatWrites = unknown[];

/** Appends `op` to `out`; `statementId` names each SQL text by the id the writer prepared it under. */
export function encodeWrite(op: WriteOp, statementId: (sql: string) => number, out: FlatWrites): void {
  out.push(op.claim ?? -1, op.steps.length);
  for (const step of op.steps) {
    const width = step.rows.length ? step.rows[0].length : 0;
    out.push(statementId(step.sql), step.rows.length, width);
    for (const row of step.rows) for (let k = 0; k < width; k++) out.push(row[k]);
  }
  if (op.read) out.push(statementId(op.read.sql), op.read.params.length, ...op.read.params);
  else out.push(-1, 0);
}

/** The index of the read's statement id of the write at `at` (just past its steps). */
export function readIndex(f: FlatWrites, at: number): number {
  let i = at + 1;
  const steps = f[i++] as number;
  for (let j = 0; j < steps; j++) {
    i++;
    const rows = f[i++] as number;
    const width = f[i++] as number;
    i += rows * width;
  }
  return i;
}

/** The index of the write after the one at `at`. */
export function nextWrite(f: FlatWrites, at: number): number {
  const i = readIndex(f, at);
  return i + 2 + (f[i + 1] as number);
}
