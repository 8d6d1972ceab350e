import { Injectable, OnModuleInit } from '@nestjs/common';
import { SqliteWriter } from '../database/sqlite-writer';
import { padId } from '../ids/padded-id';
import { ConversationStore, ListPosition, MarkerChange, ReadMove } from './conversation-store';
import { backfillSql } from '../database/conversation-backfill';
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
import { StoredMarker, toMarker } from './sql-conversation.store';

/**
 * Embedded: writes join the writer thread's group commit (a send's counting is part of the send's own write,
 * see SqliteSendStore); reads are prepared statements on the main connection.
 */
@Injectable()
export class SqliteConversationStore extends ConversationStore implements OnModuleInit {
  constructor(private readonly sqlite: SqliteWriter) {
    super();
  }

  /** A file from before conversation state (an upgrade) gets its state filled once, on its first start. */
  async onModuleInit(): Promise<void> {
    const any = (table: string) =>
      this.sqlite.statement(`SELECT 1 AS x FROM ${table} LIMIT 1`).get() !== undefined;
    if (any('conversations') || !(any('group_members') || any('messages_by_channel'))) return;
    const sql = backfillSql({
      padded: (e) => `printf('%020d', ${e})`,
      joinedMs: 'CAST((julianday(gm.joined_at) - 2440587.5) * 86400000 AS INTEGER)',
      position: (text, needle) => `INSTR(${text}, ${needle})`,
    });
    await this.sqlite.write({ steps: sql.map((q) => ({ sql: q, rows: [[]] })) });
  }

  posted(m: PostedMessage, dmUserIds?: readonly string[], again = false): Promise<void> {
    return this.sqlite.write({ steps: [postedStep(m, dmUserIds, again)] });
  }

  deleted(m: PostedMessage): Promise<void> {
    return this.sqlite.write({ steps: [{ sql: CONVERSATION_SQL.deleted, rows: [deletedParams(m)] }] });
  }

  async joined(
    channelId: string,
    userIds: readonly string[],
    visibleFrom: string,
    atMs: number,
  ): Promise<void> {
    if (!userIds.length) return;
    const rows = joinedRows(channelId, userIds, visibleFrom, atMs);
    await this.sqlite.write({ steps: [{ sql: CONVERSATION_SQL.joined, rows }] });
  }

  async get(userId: string, channelId: string): Promise<ConversationState | null> {
    const row = this.sqlite.statement(CONVERSATION_SQL.get).get(userId, channelId) as
      StoredConversation | undefined;
    return row ? toState(row) : null;
  }

  async page(userId: string, from: ListPosition | undefined, limit: number): Promise<ConversationState[]> {
    const rows = from
      ? this.sqlite
          .statement(CONVERSATION_SQL.page)
          .all(userId, padId(from.activityId), from.channelId, limit)
      : this.sqlite.statement(CONVERSATION_SQL.firstPage).all(userId, limit);
    return (rows as StoredConversation[]).map(toState);
  }

  async moveRead(userId: string, channelId: string, move: ReadMove): Promise<boolean> {
    // The move is the write's claim: when it changes no row, the read answers (and says it did not move).
    const held = await this.sqlite.write<unknown>({
      steps: [{ sql: CONVERSATION_SQL.moveRead, rows: [moveReadParams(userId, channelId, move)] }],
      claim: 0,
      read: { sql: 'SELECT 1 AS held', params: [] },
    });
    return held === undefined;
  }

  async receiptsAfter(userId: string, after: string, limit: number): Promise<MarkerChange[]> {
    const rows = this.sqlite.statement(CONVERSATION_SQL.receipts).all(userId, padId(after), limit);
    return (rows as StoredMarker[]).map(toMarker);
  }

  async totalUnread(userId: string, cap: number): Promise<number> {
    const row = this.sqlite.statement(CONVERSATION_SQL.totalUnread).get(cap, cap, userId) as {
      total: number;
    };
    return Number(row.total);
  }
}
