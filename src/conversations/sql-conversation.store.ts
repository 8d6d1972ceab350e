import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TurnBatch, Waiter } from '../common/turn-batch';
import { padId, unpadId } from '../ids/padded-id';
import { ConversationStore, ListPosition, MarkerChange, ReadMove } from './conversation-store';
import {
  CONVERSATION_SQL,
  ConversationState,
  deletedParams,
  joinedRows,
  moveReadParams,
  PostedMessage,
  postedStep,
  StoredConversation,
  toState,
} from './conversations.sql';

/** A marker row as CONVERSATION_SQL.receipts reads it. */
export interface StoredMarker {
  channelId: string;
  userId: string;
  readUpTo: string;
  readChangeId: string;
}

/** An INSERT of CONVERSATION_SQL with `n` rows of values instead of one. */
function manyRows(sql: string, n: number): string {
  const values = /VALUES \([^)]*\)/.exec(sql)![0];
  return sql.replace(values, 'VALUES ' + Array.from({ length: n }, () => values.slice(7)).join(', '));
}

export const toMarker = (r: StoredMarker): MarkerChange => ({
  channelId: r.channelId,
  userId: r.userId,
  messageId: unpadId(r.readUpTo),
  changeId: unpadId(r.readChangeId),
});

/** The parameters of one DM participant's row (CONVERSATION_SQL.dmPosted): user, channel, peer, id, id, count. */
type DmRow = [string, string, string, string, string, number];
/** Postgres allows 65,535 parameters a statement; a DM row has 6. */
const MAX_DM_ROWS = 5_000;

/**
 * Postgres: CONVERSATION_SQL with numbered placeholders. The DM counts of one event-loop turn are one
 * multi-row upsert (one statement and round trip for every DM a chat node took meanwhile, as the history's
 * inserts are), summed per row first: Postgres refuses to touch a row twice in one upsert.
 */
@Injectable()
export class SqlConversationStore extends ConversationStore {
  private readonly dmCounts = new TurnBatch<Waiter & { rows: DmRow[] }>((all) => void this.flushDms(all));

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async posted(m: PostedMessage, dmUserIds?: readonly string[], again = false): Promise<void> {
    const step = postedStep(m, dmUserIds, again);
    if (step.sql === CONVERSATION_SQL.dmPosted)
      return new Promise((resolve, reject) =>
        this.dmCounts.add({ rows: step.rows as DmRow[], resolve, reject }),
      );
    if (step.rows.length === 1) return void (await this.query(step.sql, step.rows[0]));
    await this.query(manyRows(step.sql, step.rows.length), step.rows.flat());
  }

  private async flushDms(all: (Waiter & { rows: DmRow[] })[]): Promise<void> {
    const byRow = new Map<string, DmRow>();
    for (const row of all.flatMap((w) => w.rows)) {
      const key = `${row[0]}\n${row[1]}`;
      const seen = byRow.get(key);
      if (!seen) byRow.set(key, [...row]);
      else {
        if (row[3] > seen[3]) [seen[3], seen[4]] = [row[3], row[4]]; // padded ids: text order is id order
        seen[5] += row[5];
      }
    }
    const rows = [...byRow.values()];
    try {
      for (let i = 0; i < rows.length; i += MAX_DM_ROWS) {
        const chunk = rows.slice(i, i + MAX_DM_ROWS);
        await this.query(manyRows(CONVERSATION_SQL.dmPosted, chunk.length), chunk.flat());
      }
      all.forEach((w) => w.resolve());
    } catch (e) {
      all.forEach((w) => w.reject(e));
    }
  }

  async deleted(m: PostedMessage): Promise<void> {
    await this.query(CONVERSATION_SQL.deleted, deletedParams(m));
  }

  async joined(
    channelId: string,
    userIds: readonly string[],
    visibleFrom: string,
    atMs: number,
  ): Promise<void> {
    for (const row of joinedRows(channelId, userIds, visibleFrom, atMs))
      await this.query(CONVERSATION_SQL.joined, row);
  }

  async get(userId: string, channelId: string): Promise<ConversationState | null> {
    const rows = await this.query<StoredConversation[]>(CONVERSATION_SQL.get, [userId, channelId]);
    return rows.length ? toState(rows[0]) : null;
  }

  async page(userId: string, from: ListPosition | undefined, limit: number): Promise<ConversationState[]> {
    const rows = from
      ? await this.query<StoredConversation[]>(CONVERSATION_SQL.page, [
          userId,
          padId(from.activityId),
          from.channelId,
          limit,
        ])
      : await this.query<StoredConversation[]>(CONVERSATION_SQL.firstPage, [userId, limit]);
    return rows.map(toState);
  }

  async moveRead(userId: string, channelId: string, move: ReadMove): Promise<boolean> {
    const [, affected] = await this.query<[unknown, number]>(
      CONVERSATION_SQL.moveRead,
      moveReadParams(userId, channelId, move),
    );
    return affected > 0;
  }

  async receiptsAfter(userId: string, after: string, limit: number): Promise<MarkerChange[]> {
    const rows = await this.query<StoredMarker[]>(CONVERSATION_SQL.receipts, [userId, padId(after), limit]);
    return rows.map(toMarker);
  }

  async totalUnread(userId: string, cap: number): Promise<number> {
    const rows = await this.query<{ total: string | number }[]>(CONVERSATION_SQL.totalUnread, [
      cap,
      cap,
      userId,
    ]);
    return Number(rows[0]?.total ?? 0);
  }

  private query<T = unknown>(sql: string, params: unknown[]): Promise<T> {
    let n = 0;
    return this.ds.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
  }
}
