import { Injectable } from '@nestjs/common';
import { QueryOptions, types } from 'cassandra-driver';
import { CassandraService } from '../../cassandra/cassandra.service';
import type { Message, Reaction } from '../message';
import { bucketOf, ChangeEntry, ChangeKind, ContentUpdate, HistoryStore, MessageRef } from './history.store';

const COLUMNS =
  'message_id, channel_id, channel_type, sender_id, content, client_msg_id, created_at, edited_at, deleted_at, has_reactions';
const ENTRY_COLUMNS = 'change_id, kind, message_id, channel_id, channel_type';
const MESSAGE_KEY = 'channel_id = ? AND bucket = ? AND message_id = ?';

const CQL = {
  insertMessage:
    'INSERT INTO messages_by_channel (channel_id, bucket, message_id, channel_type, sender_id, content, client_msg_id, created_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertChannelBucket: 'INSERT INTO channel_buckets (channel_id, bucket) VALUES (?, ?)',
  insertEntry:
    'INSERT INTO inbox_by_user (user_id, bucket, change_id, kind, message_id, channel_id, channel_type) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?)',
  insertUserBucket: 'INSERT INTO user_buckets (user_id, bucket) VALUES (?, ?)',
  getMessage: `SELECT ${COLUMNS} FROM messages_by_channel WHERE ${MESSAGE_KEY}`,
  getMany: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND bucket = ? AND message_id IN ?`,
  messageFlag: `SELECT has_reactions FROM messages_by_channel WHERE ${MESSAGE_KEY}`,
  updateContent: `UPDATE messages_by_channel SET content = ?, edited_at = ?, deleted_at = ? WHERE ${MESSAGE_KEY}`,
  setFlag: `UPDATE messages_by_channel SET has_reactions = true WHERE ${MESSAGE_KEY}`,
  upsertReaction:
    'INSERT INTO reactions_by_message (channel_id, message_id, emoji, user_id, active, change_id) VALUES (?, ?, ?, ?, ?, ?)',
  reactions:
    'SELECT emoji, user_id, active, change_id FROM reactions_by_message WHERE channel_id = ? AND message_id = ?',
  channelBuckets: 'SELECT bucket FROM channel_buckets WHERE channel_id = ? AND bucket <= ? LIMIT ?',
  channelPage: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND bucket = ? AND message_id < ? LIMIT ?`,
  unreadPage:
    'SELECT sender_id, deleted_at FROM messages_by_channel WHERE channel_id = ? AND bucket = ? AND message_id > ? AND message_id <= ? LIMIT ?',
  userBuckets: 'SELECT bucket FROM user_buckets WHERE user_id = ? AND bucket >= ? LIMIT ?',
  entryPage: `SELECT ${ENTRY_COLUMNS} FROM inbox_by_user WHERE user_id = ? AND bucket = ? AND change_id > ? LIMIT ?`,
};

/** Every statement here is a prepared, idempotent insert, overwrite or read; consistency comes from the client. */
const OPTS: QueryOptions = { prepare: true, isIdempotent: true };
/** Buckets fetched from an index per round trip; a page rarely needs more than the first one or two. */
const BUCKET_CHUNK = 8;
/** Users whose change-log rows are in flight at once for one change (two statements each). */
const INBOX_CONCURRENCY = 32;
/** Point reads in flight at once for one getMessages or page (a sync page is up to 500 messages). */
const READ_CONCURRENCY = 64;
/** Ids per IN list of one partition read, so that one read stays small and a coordinator is not held long. */
const IN_LIST_MAX = 100;
/** Index rows remembered as written; ~100 B each, so the cache stays near 10 MB. */
const INDEXED_CACHE_SIZE = 100_000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const KINDS: ReadonlySet<string> = new Set<ChangeKind>(['new', 'edit', 'delete', 'reaction']);

/**
 * History on Cassandra (DESIGN.md sections 3 and 6b). Message ids are `bigint` columns, converted from and to
 * decimal strings through the driver's Long, never through a JS number. Each message or change-log write
 * also inserts its bucket into a small index (`channel_buckets`, `user_buckets`), the same row every time,
 * so paging visits only buckets that hold something. No statement binds null or deletes: absent values are
 * bound unset, an erased message and a removed reaction are overwritten, so there are no tombstones. Since
 * index rows are never deleted, one this process has written once is not written again (it was a third of
 * the statements of a DM); the same goes for a message's has_reactions flag.
 *
 * inbox_by_user is the change log: entries name the message they concern and carry no copy of it, so sync
 * reads current state with getMessages (point reads in parallel, plus one reaction read per message that
 * ever had a reaction). Rows written before the change log have neither kind nor message_id and read as the
 * `new` entry of their own id (cassandra-schema.ts upgradeSteps).
 */
@Injectable()
export class CassandraHistoryStore extends HistoryStore {
  private readonly written = new WrittenOnce(INDEXED_CACHE_SIZE);

  constructor(private readonly cassandra: CassandraService) {
    super();
  }

  async saveMessage(m: Message): Promise<void> {
    const bucket = bucketOf(m.id);
    await Promise.all([
      this.exec(CQL.insertMessage, [
        m.channelId,
        bucket,
        toLong(m.id),
        m.channelType,
        m.senderId,
        m.content,
        m.clientMsgId,
        toDate(m.createdAt),
      ]),
      this.once(`c:${m.channelId}:${bucket}`, CQL.insertChannelBucket, [m.channelId, bucket]),
    ]);
  }

  addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    return this.appendChange(userIds, {
      changeId: m.id,
      kind: 'new',
      channelId: m.channelId,
      channelType: m.channelType,
      messageId: m.id,
    });
  }

  async appendChange(userIds: readonly string[], e: ChangeEntry): Promise<void> {
    const bucket = bucketOf(e.changeId);
    const changeId = toLong(e.changeId);
    const messageId = toLong(e.messageId);
    await forEachLimited(userIds, INBOX_CONCURRENCY, (userId) =>
      Promise.all([
        this.exec(CQL.insertEntry, [userId, bucket, changeId, e.kind, messageId, e.channelId, e.channelType]),
        this.once(`u:${userId}:${bucket}`, CQL.insertUserBucket, [userId, bucket]),
      ]),
    );
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const rs = await this.exec(CQL.getMessage, [channelId, bucketOf(id), toLong(id)]);
    return rs.rowLength ? this.current(rs.rows[0]) : null;
  }

  /**
   * One read per partition (channel and bucket) with the page's ids of it in an IN list, in parallel: a sync
   * page of 500 changes in a few busy conversations costs a few reads, not 500.
   */
  async getMessages(refs: readonly MessageRef[]): Promise<Message[]> {
    const partitions = new Map<string, { channelId: string; bucket: number; ids: types.Long[] }>();
    for (const ref of refs) {
      const bucket = bucketOf(ref.id);
      const key = `${bucket}:${ref.channelId}`;
      if (!partitions.has(key)) partitions.set(key, { channelId: ref.channelId, bucket, ids: [] });
      partitions.get(key)!.ids.push(toLong(ref.id));
    }
    const reads = [...partitions.values()].flatMap((p) =>
      chunks(p.ids, IN_LIST_MAX).map((ids) => [p.channelId, p.bucket, ids]),
    );
    const rows = (
      await mapLimited(reads, READ_CONCURRENCY, async (params) => (await this.exec(CQL.getMany, params)).rows)
    ).flat();
    return mapLimited(rows, READ_CONCURRENCY, (r) => this.current(r));
  }

  async channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const bound = before === undefined ? types.Long.MAX_VALUE : toLong(before);
    const rows = await this.walk({
      start: before === undefined ? INT_MAX : bucketOf(before),
      step: -1,
      limit,
      buckets: (from) => this.exec(CQL.channelBuckets, [channelId, from, BUCKET_CHUNK]),
      page: (bucket, n) => this.exec(CQL.channelPage, [channelId, bucket, bound, n]),
    });
    return mapLimited(rows, READ_CONCURRENCY, (r) => this.current(r));
  }

  async changesAfter(userId: string, after: string | undefined, limit: number): Promise<ChangeEntry[]> {
    const bound = after === undefined ? types.Long.MIN_VALUE : toLong(after);
    const rows = await this.walk({
      start: after === undefined ? INT_MIN : bucketOf(after),
      step: 1,
      limit,
      buckets: (from) => this.exec(CQL.userBuckets, [userId, from, BUCKET_CHUNK]),
      page: (bucket, n) => this.exec(CQL.entryPage, [userId, bucket, bound, n]),
    });
    return rows.map(toEntry);
  }

  /**
   * Newest first from `upTo`, two small columns a row, bucket by bucket down to `after`'s. Rows the reader
   * sent or that are deleted do not count; the scan stops at `cap` counted (or 4 x cap rows, answered as cap).
   */
  async countUnread(
    channelId: string,
    range: { after: string; upTo: string; readerId: string; cap: number },
  ): Promise<number> {
    const [lower, upper, floor] = [toLong(range.after), toLong(range.upTo), bucketOf(range.after)];
    const scan = range.cap * 4;
    const rows = await this.walk({
      start: bucketOf(range.upTo),
      step: -1,
      limit: scan,
      floor,
      buckets: (from) => this.exec(CQL.channelBuckets, [channelId, from, BUCKET_CHUNK]),
      page: (bucket, n) => this.exec(CQL.unreadPage, [channelId, bucket, lower, upper, n]),
    });
    if (rows.length >= scan) return range.cap;
    const n = rows.filter((r) => r.get('sender_id') !== range.readerId && !r.get('deleted_at')).length;
    return Math.min(n, range.cap);
  }

  /** Reads first: an UPDATE would create the row of a message that is not stored (rows are never removed). */
  async updateContent(channelId: string, id: string, u: ContentUpdate): Promise<void> {
    const key = [channelId, bucketOf(id), toLong(id)];
    if (!(await this.exec(CQL.messageFlag, key)).rowLength) return;
    await this.exec(CQL.updateContent, [
      u.content,
      u.editedAt === undefined ? types.unset : toDate(u.editedAt),
      u.deletedAt === undefined ? types.unset : toDate(u.deletedAt),
      ...key,
    ]);
  }

  /**
   * One row per (message, emoji, user), so concurrent reactions never overwrite each other. Before the first
   * active reaction the message is flagged (read first, so no row is created for a message that is not
   * stored); the flag is written before the reaction, so a reaction is never stored unflagged.
   */
  async setReaction(
    ref: MessageRef,
    r: { emoji: string; userId: string; active: boolean; changeId: string },
  ): Promise<void> {
    const key = [ref.channelId, bucketOf(ref.id), toLong(ref.id)];
    const flagged = `r:${ref.channelId}:${ref.id}`;
    if (r.active && !this.written.has(flagged)) {
      const rs = await this.exec(CQL.messageFlag, key);
      if (!rs.rowLength) return;
      if (rs.rows[0].get('has_reactions') !== true) await this.exec(CQL.setFlag, key);
      this.written.add(flagged);
    }
    await this.exec(CQL.upsertReaction, [
      ref.channelId,
      toLong(ref.id),
      r.emoji,
      r.userId,
      r.active,
      toLong(r.changeId),
    ]);
  }

  /** A message row in its current state: its reactions are read only when it was ever flagged. */
  private async current(row: types.Row): Promise<Message> {
    const m = toMessage(row);
    if (row.get('has_reactions') === true) {
      const rs = await this.exec(CQL.reactions, [m.channelId, toLong(m.id)]);
      const reactions = toReactions(rs.rows);
      if (reactions.length) m.reactions = reactions;
    }
    return m;
  }

  /**
   * Visits the non-empty buckets from `start` in the walk's direction, collecting rows until `limit`.
   * The id bound applies to every bucket; it only cuts rows in the first one, as later buckets lie wholly
   * past it.
   */
  private async walk(w: {
    start: number;
    step: 1 | -1;
    limit: number;
    /** The last bucket to visit (walking down): none below it can hold a row of the range. */
    floor?: number;
    buckets: (from: number) => Promise<types.ResultSet>;
    page: (bucket: number, limit: number) => Promise<types.ResultSet>;
  }): Promise<types.Row[]> {
    const out: types.Row[] = [];
    let from = w.start;
    while (out.length < w.limit) {
      const chunk = (await w.buckets(from)).rows.map((r) => Number(r.get('bucket')));
      for (const bucket of chunk) {
        if (w.floor !== undefined && bucket < w.floor) return out;
        const rs = await w.page(bucket, w.limit - out.length);
        out.push(...rs.rows);
        if (out.length >= w.limit) return out;
      }
      if (chunk.length < BUCKET_CHUNK) return out;
      from = chunk[chunk.length - 1] + w.step;
    }
    return out;
  }

  /** Writes a row that never changes unless this process already has; remembered once the write succeeded. */
  private async once(key: string, cql: string, params: unknown[]): Promise<void> {
    if (this.written.has(key)) return;
    await this.exec(cql, params);
    this.written.add(key);
  }

  private exec(cql: string, params: unknown[]): Promise<types.ResultSet> {
    return this.cassandra.client.execute(cql, params, OPTS);
  }
}

function toLong(id: string): types.Long {
  return types.Long.fromString(id);
}

function toDate(iso: string): Date {
  return new Date(Date.parse(iso));
}

function toMessage(r: types.Row): Message {
  const m: Message = {
    id: (r.get('message_id') as types.Long).toString(),
    channelId: r.get('channel_id') as string,
    channelType: r.get('channel_type') === 'group' ? 'group' : 'dm',
    senderId: r.get('sender_id') as string,
    content: r.get('content') as string,
    clientMsgId: r.get('client_msg_id') as string,
    createdAt: (r.get('created_at') as Date).toISOString(),
  };
  const editedAt = r.get('edited_at') as Date | null;
  const deletedAt = r.get('deleted_at') as Date | null;
  if (editedAt) m.editedAt = editedAt.toISOString();
  if (deletedAt) m.deletedAt = deletedAt.toISOString();
  return m;
}

/** Active reactions: users by the change id of their reaction, emoji by their earliest active user. */
function toReactions(rows: types.Row[]): Reaction[] {
  const byEmoji = new Map<string, { userId: string; at: types.Long }[]>();
  for (const r of rows) {
    if (r.get('active') !== true) continue;
    const emoji = r.get('emoji') as string;
    if (!byEmoji.has(emoji)) byEmoji.set(emoji, []);
    byEmoji.get(emoji)!.push({ userId: r.get('user_id') as string, at: r.get('change_id') as types.Long });
  }
  const groups = [...byEmoji].map(([emoji, users]) => ({
    emoji,
    users: users.sort((a, b) => a.at.compare(b.at)),
  }));
  groups.sort((a, b) => a.users[0].at.compare(b.users[0].at));
  return groups.map((g) => ({ emoji: g.emoji, userIds: g.users.map((u) => u.userId) }));
}

/** A change-log row; one written before the change log (no kind, no message_id) is its own `new` entry. */
function toEntry(r: types.Row): ChangeEntry {
  const changeId = (r.get('change_id') as types.Long).toString();
  const kind = r.get('kind') as string | null;
  const messageId = r.get('message_id') as types.Long | null;
  return {
    changeId,
    kind: kind !== null && KINDS.has(kind) ? (kind as ChangeKind) : 'new',
    channelId: r.get('channel_id') as string,
    channelType: r.get('channel_type') === 'group' ? 'group' : 'dm',
    messageId: messageId ? messageId.toString() : changeId,
  };
}

/** A bounded set that forgets its oldest entries first. */
class WrittenOnce {
  private readonly keys = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value!);
    this.keys.add(key);
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; rejects with the first failure. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

/** `fn` over `items` in order, with at most `limit` calls in flight. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  await forEachLimited(
    items.map((item, i) => ({ item, i })),
    limit,
    async ({ item, i }) => {
      out[i] = await fn(item);
    },
  );
  return out;
}
