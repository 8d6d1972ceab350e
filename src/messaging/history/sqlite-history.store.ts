import { Injectable } from '@nestjs/common';
import { SqliteWriter } from '../../database/sqlite-writer';
import type { Message } from '../message';
import { bucketOf, HistoryStore } from './history.store';
import { StoredRow, toMessage } from './sql-history.store';
import { padId } from '../../ids/padded-id';

const COLUMNS =
  'message_id AS messageId, channel_id AS channelId, channel_type AS channelType, sender_id AS senderId, ' +
  'content, client_msg_id AS clientMsgId, created_at AS createdAt';

export const HISTORY_SQL = {
  insertMessage:
    'INSERT OR IGNORE INTO messages_by_channel (channel_id, message_id, bucket, channel_type, sender_id, content, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertInbox:
    'INSERT OR IGNORE INTO inbox_by_user (user_id, message_id, bucket, channel_id, channel_type, sender_id, content, client_msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  get: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND message_id = ?`,
  channelPage: `SELECT ${COLUMNS} FROM messages_by_channel WHERE channel_id = ? AND message_id < ? ORDER BY message_id DESC LIMIT ?`,
  inboxPage: `SELECT ${COLUMNS} FROM inbox_by_user WHERE user_id = ? AND message_id > ? ORDER BY message_id ASC LIMIT ?`,
};

/**
 * The embedded history adapter: the same tables as the SQL adapter (the schema comes from the entities),
 * written through SqliteWriter's group commit with prepared statements, read directly.
 */
@Injectable()
export class SqliteHistoryStore extends HistoryStore {
  constructor(private readonly sqlite: SqliteWriter) {
    super();
  }

  saveMessage(m: Message): Promise<void> {
    return this.sqlite.write({ steps: [{ sql: HISTORY_SQL.insertMessage, rows: [channelRow(m)] }] });
  }

  addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    if (!userIds.length) return Promise.resolve();
    return this.sqlite.write({ steps: [{ sql: HISTORY_SQL.insertInbox, rows: inboxRows(userIds, m) }] });
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const row = this.sqlite.statement(HISTORY_SQL.get).get(channelId, padId(id)) as StoredRow | undefined;
    return row ? toMessage(row) : null;
  }

  async channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const upper = before === undefined ? '99999999999999999999' : padId(before);
    return (this.sqlite.statement(HISTORY_SQL.channelPage).all(channelId, upper, limit) as StoredRow[]).map(
      toMessage,
    );
  }

  async inboxAfter(userId: string, after: string | undefined, limit: number): Promise<Message[]> {
    const lower = after === undefined ? '' : padId(after);
    return (this.sqlite.statement(HISTORY_SQL.inboxPage).all(userId, lower, limit) as StoredRow[]).map(
      toMessage,
    );
  }
}

/** The parameters of a `messages_by_channel` row, in the order of HISTORY_SQL.insertMessage. */
export function channelRow(m: Message): unknown[] {
  return [
    m.channelId,
    padId(m.id),
    bucketOf(m.id),
    m.channelType,
    m.senderId,
    m.content,
    m.clientMsgId,
    Date.parse(m.createdAt),
  ];
}

/** The parameters of each user's `inbox_by_user` row, in the order of HISTORY_SQL.insertInbox. */
export function inboxRows(userIds: readonly string[], m: Message): unknown[][] {
  const [id, bucket, createdAt] = [padId(m.id), bucketOf(m.id), Date.parse(m.createdAt)];
  return userIds.map((u) => [
    u,
    id,
    bucket,
    m.channelId,
    m.channelType,
    m.senderId,
    m.content,
    m.clientMsgId,
    createdAt,
  ]);
}
