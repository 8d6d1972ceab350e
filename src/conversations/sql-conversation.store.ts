import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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

export const toMarker = (r: StoredMarker): MarkerChange => ({
  channelId: r.channelId,
  userId: r.userId,
  messageId: unpadId(r.readUpTo),
  changeId: unpadId(r.readChangeId),
});

/** Postgres: CONVERSATION_SQL with numbered placeholders, one statement per write. */
@Injectable()
export class SqlConversationStore extends ConversationStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async posted(m: PostedMessage, dmUserIds?: readonly string[], again = false): Promise<void> {
    const step = postedStep(m, dmUserIds, again);
    if (step.rows.length === 1) return void (await this.query(step.sql, step.rows[0]));
    // One statement for both participants of a DM: `VALUES (...), (...)`.
    const values = step.sql.match(/VALUES \([^)]*\)/)![0];
    const many = step.sql.replace(values, 'VALUES ' + step.rows.map(() => values.slice(7)).join(', '));
    await this.query(many, step.rows.flat());
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
