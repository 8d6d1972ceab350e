import { Injectable } from '@nestjs/common';
import { QueryOptions, types } from 'cassandra-driver';
import { CassandraService } from '../../cassandra/cassandra.service';
import type { Message } from '../message';
import { bucketOf, HistoryStore } from './history.store';

const COLUMNS = 'message_id, channel_id, channel_type, sender_id, content, client_msg_id, created_at';

const CQL = {
  insertMessage:
    'INSERT INTO messages_by_channel (channel_id, bucket, message_id, channel_type, sender_id, content, client_msg_id, created_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertChannelBucket: 'INSERT INTO channel_buckets (channel_id, bucket) VALUES (?, ?)',
  insertInbox:
    'INSERT INTO inbox_by_user (user_id, bucket, message_id, channel_id, channel_type, sender_id, content, client_msg_id, created_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  insertUserBucket: 'INSERT INTO user_buckets (user_id, bucket) VALUES (?, ?)',
  getMessage: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND bucket = ? AND message_id = ?`,
  channelBuckets: 'SELECT bucket FROM channel_buckets WHERE channel_id = ? AND bucket <= ? LIMIT ?',
  channelPage: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND bucket = ? AND message_id < ? LIMIT ?`,
  userBuckets: 'SELECT bucket FROM user_buckets WHERE user_id = ? AND bucket >= ? LIMIT ?',
  inboxPage: `SELECT ${COLUMNS} FROM inbox_by_user WHERE user_id = ? AND bucket = ? AND message_id > ? LIMIT ?`,
};

/** Every statement here is a prepared, idempotent insert or read; consistency comes from the client. */
const OPTS: QueryOptions = { prepare: true, isIdempotent: true };
/** Buckets fetched from an index per round trip; a page rarely needs more than the first one or two. */
const BUCKET_CHUNK = 8;
/** Users whose inbox rows are in flight at once for one message (two statements each). */
const INBOX_CONCURRENCY = 32;
/** Index rows remembered as written; ~100 B each, so the cache stays near 10 MB. */
const INDEXED_CACHE_SIZE = 100_000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * History on Cassandra (DESIGN.md section 3). Message ids are `bigint` columns, converted from and to
 * decimal strings through the driver's Long, never through a JS number. Each message write also inserts
 * its bucket into a small index (`channel_buckets`, `user_buckets`), the same row every time, so paging
 * visits only buckets that hold something. No statement binds null or deletes: no tombstones. Since index
 * rows are never deleted, one this process has written once is not written again (it was a third of the
 * statements of a DM).
 */
@Injectable()
export class CassandraHistoryStore extends HistoryStore {
  private readonly indexed = new WrittenOnce(INDEXED_CACHE_SIZE);

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
        toDate(m),
      ]),
      this.index(`c:${m.channelId}:${bucket}`, CQL.insertChannelBucket, [m.channelId, bucket]),
    ]);
  }

  async addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    const bucket = bucketOf(m.id);
    const id = toLong(m.id);
    const createdAt = toDate(m);
    await forEachLimited(userIds, INBOX_CONCURRENCY, (userId) =>
      Promise.all([
        this.exec(CQL.insertInbox, [
          userId,
          bucket,
          id,
          m.channelId,
          m.channelType,
          m.senderId,
          m.content,
          m.clientMsgId,
          createdAt,
        ]),
        this.index(`u:${userId}:${bucket}`, CQL.insertUserBucket, [userId, bucket]),
      ]),
    );
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const rs = await this.exec(CQL.getMessage, [channelId, bucketOf(id), toLong(id)]);
    return rs.rowLength ? toMessage(rs.rows[0]) : null;
  }

  channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const bound = before === undefined ? types.Long.MAX_VALUE : toLong(before);
    return this.walk({
      start: before === undefined ? INT_MAX : bucketOf(before),
      step: -1,
      limit,
      buckets: (from) => this.exec(CQL.channelBuckets, [channelId, from, BUCKET_CHUNK]),
      page: (bucket, n) => this.exec(CQL.channelPage, [channelId, bucket, bound, n]),
    });
  }

  inboxAfter(userId: string, after: string | undefined, limit: number): Promise<Message[]> {
    const bound = after === undefined ? types.Long.MIN_VALUE : toLong(after);
    return this.walk({
      start: after === undefined ? INT_MIN : bucketOf(after),
      step: 1,
      limit,
      buckets: (from) => this.exec(CQL.userBuckets, [userId, from, BUCKET_CHUNK]),
      page: (bucket, n) => this.exec(CQL.inboxPage, [userId, bucket, bound, n]),
    });
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
    buckets: (from: number) => Promise<types.ResultSet>;
    page: (bucket: number, limit: number) => Promise<types.ResultSet>;
  }): Promise<Message[]> {
    const out: Message[] = [];
    let from = w.start;
    while (out.length < w.limit) {
      const chunk = (await w.buckets(from)).rows.map((r) => Number(r.get('bucket')));
      for (const bucket of chunk) {
        const rs = await w.page(bucket, w.limit - out.length);
        out.push(...rs.rows.map(toMessage));
        if (out.length >= w.limit) return out;
      }
      if (chunk.length < BUCKET_CHUNK) return out;
      from = chunk[chunk.length - 1] + w.step;
    }
    return out;
  }

  /** Writes an index row unless this process already has; it is remembered only once the write succeeded. */
  private async index(key: string, cql: string, params: unknown[]): Promise<void> {
    if (this.indexed.has(key)) return;
    await this.exec(cql, params);
    this.indexed.add(key);
  }

  private exec(cql: string, params: unknown[]): Promise<types.ResultSet> {
    return this.cassandra.client.execute(cql, params, OPTS);
  }
}

function toLong(id: string): types.Long {
  return types.Long.fromString(id);
}

function toDate(m: Message): Date {
  return new Date(Date.parse(m.createdAt));
}

function toMessage(r: types.Row): Message {
  return {
    id: (r.get('message_id') as types.Long).toString(),
    channelId: r.get('channel_id') as string,
    channelType: r.get('channel_type') === 'group' ? 'group' : 'dm',
    senderId: r.get('sender_id') as string,
    content: r.get('content') as string,
    clientMsgId: r.get('client_msg_id') as string,
    createdAt: (r.get('created_at') as Date).toISOString(),
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
