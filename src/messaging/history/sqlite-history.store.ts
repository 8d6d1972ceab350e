import { Injectable } from '@nestjs/common';
import { SqliteWriter } from '../../database/sqlite-writer';
import { padId } from '../../ids/padded-id';
import type { Message } from '../message';
import { ChangeEntry, ContentUpdate, HistoryStore, MessageRef } from './history.store';
import {
  changeRows,
  channelRow,
  contentParams,
  countUnreadParams,
  HISTORY_SQL,
  NO_UPPER_ID,
  newEntry,
  paddedRefs,
  StoredChange,
  StoredMessage,
  StoredReaction,
  toChange,
  toMessages,
} from './sql-history.sql';

/**
 * Reads of many refs in one prepared statement: the refs go in as one JSON array of [channel id, message id]
 * pairs, each looked up by primary key.
 */
const MANY_SQL = {
  messages: HISTORY_SQL.get.replace(
    'FROM messages_by_channel WHERE channel_id = ? AND message_id = ?',
    'FROM json_each(?) AS r JOIN messages_by_channel ' +
      "ON channel_id = json_extract(r.value, '$[0]') AND message_id = json_extract(r.value, '$[1]')",
  ),
  reactions: HISTORY_SQL.reactionsOf.replace(
    'FROM message_reactions WHERE channel_id = ? AND message_id = ? AND active',
    'FROM json_each(?) AS r JOIN message_reactions ' +
      "ON channel_id = json_extract(r.value, '$[0]') AND message_id = json_extract(r.value, '$[1]') WHERE active",
  ),
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
    return this.appendChange(userIds, newEntry(m));
  }

  appendChange(userIds: readonly string[], entry: ChangeEntry): Promise<void> {
    if (!userIds.length) return Promise.resolve();
    return this.sqlite.write({
      steps: [{ sql: HISTORY_SQL.insertChange, rows: changeRows(userIds, entry) }],
    });
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const row = this.sqlite.statement(HISTORY_SQL.get).get(channelId, padId(id)) as StoredMessage | undefined;
    return row ? (await this.withState([row]))[0] : null;
  }

  getMessages(refs: readonly MessageRef[]): Promise<Message[]> {
    if (!refs.length) return Promise.resolve([]);
    const rows = this.sqlite.statement(MANY_SQL.messages).all(JSON.stringify(paddedRefs(refs)));
    return this.withState(rows as StoredMessage[]);
  }

  channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const upper = before === undefined ? NO_UPPER_ID : padId(before);
    const rows = this.sqlite.statement(HISTORY_SQL.channelPage).all(channelId, upper, limit);
    return this.withState(rows as StoredMessage[]);
  }

  async changesAfter(userId: string, after: string | undefined, limit: number): Promise<ChangeEntry[]> {
    const lower = after === undefined ? '' : padId(after);
    const rows = this.sqlite.statement(HISTORY_SQL.changesPage).all(userId, lower, limit) as StoredChange[];
    return rows.map(toChange);
  }

  updateContent(channelId: string, id: string, update: ContentUpdate): Promise<void> {
    const rows = [contentParams(channelId, id, update)];
    return this.sqlite.write({ steps: [{ sql: HISTORY_SQL.updateContent, rows }] });
  }

  async countUnread(
    channelId: string,
    range: { after: string; upTo: string; readerId: string; cap: number },
  ): Promise<number> {
    const row = this.sqlite.statement(HISTORY_SQL.countUnread).get(...countUnreadParams(channelId, range));
    return Number((row as { n: number }).n);
  }

  setReaction(
    ref: MessageRef,
    r: { emoji: string; userId: string; active: boolean; changeId: string },
  ): Promise<void> {
    const [channelId, messageId, changeId] = [ref.channelId, padId(ref.id), padId(r.changeId)];
    if (!r.active) {
      const rows = [[changeId, channelId, messageId, r.emoji, r.userId]];
      return this.sqlite.write({ steps: [{ sql: HISTORY_SQL.reactionOff, rows }] });
    }
    return this.sqlite.write({
      steps: [
        { sql: HISTORY_SQL.markReacted, rows: [[channelId, messageId]] },
        { sql: HISTORY_SQL.reactionOn, rows: [[channelId, messageId, r.emoji, r.userId, changeId]] },
      ],
    });
  }

  private withState(rows: StoredMessage[]): Promise<Message[]> {
    return toMessages(rows, async (refs) => {
      const pairs = JSON.stringify(refs.map((r) => [r.channelId, r.messageId]));
      return this.sqlite.statement(MANY_SQL.reactions).all(pairs) as StoredReaction[];
    });
  }
}
