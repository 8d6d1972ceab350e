import type { Client, QueryOptions } from 'cassandra-driver';

/** What the schema needs from config.cassandra. */
export interface CassandraSchemaOptions {
  keyspace: string;
  /** `SimpleStrategy:<rf>` or `NetworkTopologyStrategy:<dc>=<rf>[:<dc>=<rf>...]` */
  replication: string;
}

const KEYSPACE_RE = /^[a-z][a-z0-9_]{0,47}$/;
const DDL: QueryOptions = { prepare: false, isIdempotent: true };
const DDL_ATTEMPTS = 5;

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
 * - The two message tables are time series whose partition key carries the 10-day bucket, so
 *   TimeWindowCompactionStrategy with 10-day windows (TWCS aligns windows to the Unix epoch, exactly as
 *   bucketOf does) keeps each partition in the SSTables of one window: a page read touches one or two
 *   SSTables, and a closed window is compacted once and then left alone, which suits data kept forever.
 *   There is no TTL and no delete, so TWCS never has to drop anything. An edit or an erasing delete
 *   overwrites a message's cells: reads answer the new value at once, while the shadowed cell stays on disk
 *   in its window's SSTable until that SSTable is compacted again (`nodetool garbagecollect` forces it).
 * - The bucket index tables are tiny and rewritten with the same cells on every message, and reactions are
 *   turned on and off in place: update-heavy, read-on-every-page patterns, so LeveledCompactionStrategy
 *   folds the overwrites together and bounds a read to about one SSTable per level.
 */
const MESSAGE_COMPACTION = `{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 10}`;
const INDEX_COMPACTION = `{'class': 'LeveledCompactionStrategy'}`;

function checkedKeyspace(o: CassandraSchemaOptions): string {
  if (!KEYSPACE_RE.test(o.keyspace))
    throw new Error(`keyspace "${o.keyspace}" is not a lower-case CQL identifier`);
  return o.keyspace;
}

/** The keyspace and tables in their current layout, in order. Every statement is idempotent (IF NOT EXISTS). */
export function schemaStatements(o: CassandraSchemaOptions): string[] {
  const ks = checkedKeyspace(o);
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${cqlMap(parseReplication(o.replication))} AND durable_writes = true`,
    // A channel's log, newest first; bucket = message time / 10 days keeps every partition bounded. A message
    // is written once, then only overwritten in place (edit, erasing delete, has_reactions), never deleted.
    // has_reactions is set before a message's first reaction, so pages skip the reaction read for the rest.
    `CREATE TABLE IF NOT EXISTS ${ks}.messages_by_channel (
      channel_id text, bucket int, message_id bigint,
      channel_type text, sender_id text, content text, client_msg_id text, created_at timestamp,
      edited_at timestamp, deleted_at timestamp, has_reactions boolean,
      PRIMARY KEY ((channel_id, bucket), message_id)
    ) WITH CLUSTERING ORDER BY (message_id DESC) AND compaction = ${MESSAGE_COMPACTION}`,
    // Each user's change log (fanout on write), oldest first, bucketed by change time: which message changed
    // how, no copy of it (sync reads the current state from messages_by_channel).
    `CREATE TABLE IF NOT EXISTS ${ks}.inbox_by_user (
      user_id text, bucket int, change_id bigint,
      kind text, message_id bigint, channel_id text, channel_type text,
      PRIMARY KEY ((user_id, bucket), change_id)
    ) WITH CLUSTERING ORDER BY (change_id ASC) AND compaction = ${MESSAGE_COMPACTION}`,
    // All reactions of one message in one partition (at most 20 emoji x members rows); removal writes
    // active = false over the row, so there are no tombstones. change_id orders users within an emoji.
    `CREATE TABLE IF NOT EXISTS ${ks}.reactions_by_message (
      channel_id text, message_id bigint, emoji text, user_id text,
      active boolean, change_id bigint,
      PRIMARY KEY ((channel_id, message_id), emoji, user_id)
    ) WITH compaction = ${INDEX_COMPACTION}`,
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

/** The keyspace as system_schema describes it: table -> column -> kind (partition_key, clustering, regular). */
interface LiveSchema {
  keyspace: boolean;
  tables: Map<string, Map<string, string>>;
}

/** One DDL statement and whether the live schema still needs it. */
interface Step {
  cql: string;
  needed(s: LiveSchema): boolean;
}

const column = (s: LiveSchema, table: string, name: string) => s.tables.get(table)?.get(name);

/**
 * In-place upgrades of keyspaces created by earlier versions, in order; each is needed only until applied.
 * Upgrade to the change log (issue 17):
 * - messages_by_channel gains edited_at, deleted_at and has_reactions (unset on old rows: not edited, not
 *   deleted, no reactions).
 * - inbox_by_user's clustering column message_id is renamed change_id (Cassandra renames primary-key
 *   columns in place, data kept): an old entry's message id is its change id. message_id is then free and
 *   added back as the regular column of the referenced message, with kind; both are unset on old rows, which
 *   read as kind `new` of their own id.
 * - The copy columns of inbox_by_user are dropped: the text of old copies is no longer readable, so an erased
 *   message leaves none behind. (Cassandra removes the dropped cells from disk as SSTables are compacted.)
 */
function upgradeSteps(ks: string): Step[] {
  const add = (table: string, name: string, type: string): Step => ({
    cql: `ALTER TABLE ${ks}.${table} ADD ${name} ${type}`,
    needed: (s) => s.tables.has(table) && column(s, table, name) === undefined,
  });
  const drop = (table: string, name: string): Step => ({
    cql: `ALTER TABLE ${ks}.${table} DROP ${name}`,
    needed: (s) => column(s, table, name) === 'regular',
  });
  return [
    add('messages_by_channel', 'edited_at', 'timestamp'),
    add('messages_by_channel', 'deleted_at', 'timestamp'),
    add('messages_by_channel', 'has_reactions', 'boolean'),
    {
      cql: `ALTER TABLE ${ks}.inbox_by_user RENAME message_id TO change_id`,
      needed: (s) => column(s, 'inbox_by_user', 'message_id') === 'clustering',
    },
    add('inbox_by_user', 'kind', 'text'),
    add('inbox_by_user', 'message_id', 'bigint'),
    ...['sender_id', 'content', 'client_msg_id', 'created_at'].map((c) => drop('inbox_by_user', c)),
  ];
}

/** Every statement that takes any keyspace, from none to one of an earlier version, to the current layout. */
function migrationSteps(o: CassandraSchemaOptions): Step[] {
  const [keyspace, ...tables] = schemaStatements(o);
  return [
    { cql: keyspace, needed: (s) => !s.keyspace },
    ...tables.map((cql) => {
      const table = /^CREATE TABLE IF NOT EXISTS \w+\.(\w+)/.exec(cql)![1];
      return { cql, needed: (s: LiveSchema) => !s.tables.has(table) };
    }),
    ...upgradeSteps(o.keyspace),
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

async function liveSchema(client: Client, keyspace: string): Promise<LiveSchema> {
  const opts: QueryOptions = { prepare: true };
  const [ks, cols] = await Promise.all([
    client.execute(
      'SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [keyspace],
      opts,
    ),
    client.execute(
      'SELECT table_name, column_name, kind FROM system_schema.columns WHERE keyspace_name = ?',
      [keyspace],
      opts,
    ),
  ]);
  const tables = new Map<string, Map<string, string>>();
  for (const r of cols.rows) {
    const table = String(r.get('table_name'));
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table)!.set(String(r.get('column_name')), String(r.get('kind')));
  }
  return { keyspace: ks.rowLength > 0, tables };
}

/**
 * Brings the keyspace to the current layout: creates what is missing and upgrades an earlier version in
 * place (see upgradeSteps), then waits until every node agrees on the schema. `client` must be connected
 * and have no keyspace (the keyspace may not exist yet). Each step runs only while system_schema shows it
 * is needed, so a current keyspace gets no DDL at all: concurrent DDL from several starting processes is
 * the one schema race Cassandra 5.0 still has, and this keeps restarts of a migrated cluster clear of it.
 * A step that fails is accepted when the schema, read again, no longer needs it (another process applied
 * it first). For a first deployment or an upgrade of many processes, run `npm run cassandra:migrate` once
 * before starting them.
 */
export async function migrateSchema(
  client: Client,
  o: CassandraSchemaOptions,
  timeoutMs = 60_000,
): Promise<MigrationResult> {
  let schema = await liveSchema(client, checkedKeyspace(o));
  let applied = false;
  for (const step of migrationSteps(o)) {
    if (!step.needed(schema)) continue;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.execute(step.cql, [], DDL);
        break;
      } catch (e) {
        await waitForSchemaAgreement(client, timeoutMs);
        if (!step.needed(await liveSchema(client, o.keyspace))) break;
        // On a ring that has just formed, a coordinator may not know the keyspace yet although the driver
        // saw agreement (its peers table lags gossip): "Keyspace 'chat' doesn't exist". Try again.
        if (attempt >= DDL_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 1_000 * attempt));
      }
    }
    applied = true;
    schema = await liveSchema(client, o.keyspace);
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
