import type { Client, QueryOptions } from 'cassandra-driver';

/** What the schema needs from config.cassandra. */
export interface CassandraSchemaOptions {
  keyspace: string;
  /** `SimpleStrategy:<rf>` or `NetworkTopologyStrategy:<dc>=<rf>[:<dc>=<rf>...]` */
  replication: string;
}

export const HISTORY_TABLES = [
  'messages_by_channel',
  'inbox_by_user',
  'channel_buckets',
  'user_buckets',
  'send_dedupe',
] as const;

const KEYSPACE_RE = /^[a-z][a-z0-9_]{0,47}$/;
const DDL: QueryOptions = { prepare: false, isIdempotent: true };

/** `SimpleStrategy:3` -> {class: SimpleStrategy, replication_factor: 3}; NTS lists one factor per data centre. */
export function parseReplication(spec: string): Record<string, string | number> {
  const [strategy, ...parts] = spec.trim().split(':');
  if (strategy === 'SimpleStrategy' && parts.length === 1 && /^[1-9]\d*$/.test(parts[0])) {
    return { class: 'SimpleStrategy', replication_factor: Number(parts[0]) };
  }
  if (strategy === 'NetworkTopologyStrategy' && parts.length > 0) {
    const map: Record<string, string | number> = { class: 'NetworkTopologyStrategy' };
    for (const part of parts) {
      const m = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(part);
      if (!m || m[1] === 'class' || m[1] in map)
        throw new Error(`bad data centre entry "${part}" in replication "${spec}"`);
      map[m[1]] = Number(m[2]);
    }
    return map;
  }
  throw new Error(
    `replication must be SimpleStrategy:<rf> or NetworkTopologyStrategy:<dc>=<rf>[:...], got "${spec}"`,
  );
}

function cqlMap(map: Record<string, string | number>): string {
  return `{${Object.entries(map)
    .map(([k, v]) => `'${k}': ${typeof v === 'number' ? v : `'${v}'`}`)
    .join(', ')}}`;
}

/**
 * Table options, and why:
 * - The two message tables are append-only time series whose partition key carries the 10-day bucket, so
 *   TimeWindowCompactionStrategy with 10-day windows (TWCS aligns windows to the Unix epoch, exactly as
 *   bucketOf does) keeps each partition in the SSTables of one window: a page read touches one or two
 *   SSTables, and a closed window is compacted once and then left alone, which suits data kept forever.
 *   There is no TTL and no delete, so TWCS never has to drop anything.
 * - The bucket index tables are tiny and rewritten with the same cells on every message, which is an
 *   update-heavy, read-on-every-page pattern: LeveledCompactionStrategy folds the overwrites together and
 *   bounds a read to about one SSTable per level.
 */
const MESSAGE_COMPACTION = `{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 10}`;
const INDEX_COMPACTION = `{'class': 'LeveledCompactionStrategy'}`;

/** The keyspace and tables, in order. Every statement is idempotent (IF NOT EXISTS). */
export function schemaStatements(o: CassandraSchemaOptions): string[] {
  if (!KEYSPACE_RE.test(o.keyspace))
    throw new Error(`keyspace "${o.keyspace}" is not a lower-case CQL identifier`);
  const ks = o.keyspace;
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${cqlMap(parseReplication(o.replication))} AND durable_writes = true`,
    // A channel's log, newest first; bucket = message time / 10 days keeps every partition bounded.
    `CREATE TABLE IF NOT EXISTS ${ks}.messages_by_channel (
      channel_id text, bucket int, message_id bigint,
      channel_type text, sender_id text, content text, client_msg_id text, created_at timestamp,
      PRIMARY KEY ((channel_id, bucket), message_id)
    ) WITH CLUSTERING ORDER BY (message_id DESC) AND compaction = ${MESSAGE_COMPACTION}`,
    // Each user's change log (fanout on write): a full copy of every message they should see, oldest first.
    `CREATE TABLE IF NOT EXISTS ${ks}.inbox_by_user (
      user_id text, bucket int, message_id bigint,
      channel_id text, channel_type text, sender_id text, content text, client_msg_id text, created_at timestamp,
      PRIMARY KEY ((user_id, bucket), message_id)
    ) WITH CLUSTERING ORDER BY (message_id ASC) AND compaction = ${MESSAGE_COMPACTION}`,
    // The non-empty buckets of a channel / an inbox, so paging skips empty 10-day buckets with one read.
    `CREATE TABLE IF NOT EXISTS ${ks}.channel_buckets (
      channel_id text, bucket int, PRIMARY KEY ((channel_id), bucket)
    ) WITH CLUSTERING ORDER BY (bucket DESC) AND compaction = ${INDEX_COMPACTION}`,
    `CREATE TABLE IF NOT EXISTS ${ks}.user_buckets (
      user_id text, bucket int, PRIMARY KEY ((user_id), bucket)
    ) WITH CLUSTERING ORDER BY (bucket ASC) AND compaction = ${INDEX_COMPACTION}`,
    // (sender, clientMsgId) -> the message it produced, claimed with IF NOT EXISTS and kept for 24 h. Every row
    // expires with the same TTL, so whole SSTables age out together under TWCS (1-hour windows).
    `CREATE TABLE IF NOT EXISTS ${ks}.send_dedupe (
      sender_id text, client_msg_id text, message_id bigint, channel_id text, created_at timestamp,
      PRIMARY KEY ((sender_id, client_msg_id))
    ) WITH default_time_to_live = 86400 AND gc_grace_seconds = 10800
      AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'HOURS', 'compaction_window_size': 1}`,
  ];
}

/** Not in cassandra-driver's typings, but part of its API (Metadata#checkSchemaAgreement, 4.x). */
interface SchemaAgreement {
  checkSchemaAgreement(): Promise<boolean>;
}

async function waitForSchemaAgreement(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const metadata = client.metadata as unknown as SchemaAgreement;
  while (!(await metadata.checkSchemaAgreement())) {
    if (Date.now() > deadline)
      throw new Error(`Cassandra nodes did not agree on the schema within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface MigrationResult {
  applied: boolean;
  /** Set when the keyspace exists with other replication settings than configured (never altered here). */
  replicationMismatch?: string;
}

/**
 * Creates the keyspace and tables when any is missing, then waits until every node agrees on the schema.
 * `client` must be connected and have no keyspace (the keyspace may not exist yet). When all tables are
 * already there, no DDL runs at all: concurrent CREATE TABLE from several starting processes is the one
 * schema race Cassandra 5.0 still has, and this keeps restarts of a migrated cluster clear of it. For a
 * first deployment of many processes, run `npm run cassandra:migrate` once before starting them.
 */
export async function migrateSchema(
  client: Client,
  o: CassandraSchemaOptions,
  timeoutMs = 60_000,
): Promise<MigrationResult> {
  const statements = schemaStatements(o);
  const existing = await client.execute(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
    [o.keyspace],
    {
      prepare: true,
    },
  );
  const have = new Set(existing.rows.map((r) => String(r.get('table_name'))));
  const applied = !HISTORY_TABLES.every((t) => have.has(t));
  if (applied) {
    for (const cql of statements) await client.execute(cql, [], DDL);
  }
  await waitForSchemaAgreement(client, timeoutMs);
  return { applied, replicationMismatch: await replicationMismatch(client, o) };
}

async function replicationMismatch(client: Client, o: CassandraSchemaOptions): Promise<string | undefined> {
  const rs = await client.execute(
    'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
    [o.keyspace],
    {
      prepare: true,
    },
  );
  const actual = (rs.first()?.get('replication') ?? {}) as Record<string, string>;
  const wanted = parseReplication(o.replication);
  const norm = (m: Record<string, string | number>) =>
    JSON.stringify(
      Object.entries(m)
        .map(([k, v]) => [
          k,
          k === 'class' ? String(v).replace(/^org\.apache\.cassandra\.locator\./, '') : String(v),
        ])
        .sort(),
    );
  if (norm(actual) === norm(wanted)) return undefined;
  return `keyspace ${o.keyspace} has replication ${JSON.stringify(actual)} but ${o.replication} is configured; change it with ALTER KEYSPACE and a repair`;
}
