import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Message } from '../message';
import { ChannelMessageRow, InboxRow } from '../message.entities';
import { bucketOf, ChangeEntry, ContentUpdate, HistoryStore, MessageRef } from './history.store';
import { padId } from '../../ids/padded-id';
import { TurnBatch, Waiter } from '../../common/turn-batch';
import {
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

/** Postgres allows 65,535 parameters a statement; channel rows have 8 columns, inbox rows 7. */
const MAX_ROWS_PER_INSERT = 2000;

/**
 * The inserts of one event-loop turn as one multi-row INSERT per table: one statement and one round trip
 * for every message a chat node took in meanwhile, instead of one each. A caller's promise resolves once
 * the statement holding its rows has committed. When a statement fails, its callers' rows are inserted
 * again one caller at a time, so one bad row fails only its own caller.
 */
class TurnInserts<Row> {
  private readonly batch = new TurnBatch<Waiter & { rows: Row[] }>((all) => this.flush(all));

  constructor(private readonly insert: (rows: Row[]) => Promise<unknown>) {}

  add(rows: Row[]): Promise<void> {
    return new Promise((resolve, reject) => this.batch.add({ rows, resolve, reject }));
  }

  private flush(all: (Waiter & { rows: Row[] })[]): void {
    for (let i = 0; i < all.length;) {
      const chunk = [all[i++]];
      let rows = chunk[0].rows.length;
      while (i < all.length && rows + all[i].rows.length <= MAX_ROWS_PER_INSERT) {
        rows += all[i].rows.length;
        chunk.push(all[i++]);
      }
      this.insert(chunk.flatMap((c) => c.rows)).then(
        () => chunk.forEach((c) => c.resolve()),
        (e: unknown) => {
          if (chunk.length === 1) return chunk[0].reject(e);
          for (const c of chunk) this.insert(c.rows).then(() => c.resolve(), c.reject);
        },
      );
    }
  }
}

/**
 * History in the relational store (Postgres when there is no Cassandra; the contract suite also runs it on
 * SQLite). Ids are zero-padded strings so ordering is numeric on every engine. Inserts are batched per turn;
 * the other statements are HISTORY_SQL, shared with the embedded adapter.
 */
@Injectable()
export class SqlHistoryStore extends HistoryStore {
  private readonly channelInserts: TurnInserts<ChannelMessageRow>;
  private readonly inboxInserts: TurnInserts<InboxRow>;
  /** `?` placeholders as the engine wants them: numbered ($1, $2...) on Postgres. */
  private readonly dialect: (sql: string) => string;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    const insertOrIgnore = <Row extends object>(repo: Repository<Row>) =>
      new TurnInserts<Row>((rows) => repo.createQueryBuilder().insert().values(rows).orIgnore().execute());
    this.channelInserts = insertOrIgnore(ds.getRepository(ChannelMessageRow));
    this.inboxInserts = insertOrIgnore(ds.getRepository(InboxRow));
    this.dialect =
      ds.options.type === 'postgres'
        ? (sql) => {
            let n = 0;
            return sql.replace(/\?/g, () => `$${++n}`);
          }
        : (sql) => sql;
  }

  saveMessage(m: Message): Promise<void> {
    return this.channelInserts.add([
      {
        channelId: m.channelId,
        messageId: padId(m.id),
        bucket: bucketOf(m.id),
        channelType: m.channelType,
        senderId: m.senderId,
        content: m.content,
        clientMsgId: m.clientMsgId,
        createdAt: Date.parse(m.createdAt),
      },
    ]);
  }

  addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    return this.appendChange(userIds, newEntry(m));
  }

  appendChange(userIds: readonly string[], e: ChangeEntry): Promise<void> {
    if (!userIds.length) return Promise.resolve();
    const base = {
      changeId: padId(e.changeId),
      bucket: bucketOf(e.changeId),
      channelId: e.channelId,
      channelType: e.channelType,
      kind: e.kind,
      messageId: padId(e.messageId),
    };
    return this.inboxInserts.add(userIds.map((userId) => ({ ...base, userId })));
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const rows = await this.query<StoredMessage>(HISTORY_SQL.get, [channelId, padId(id)]);
    return rows.length ? (await this.withState(rows))[0] : null;
  }

  async getMessages(refs: readonly MessageRef[]): Promise<Message[]> {
    if (!refs.length) return [];
    const { where, params } = refsWhere(paddedRefs(refs));
    const sql = HISTORY_SQL.get.replace('WHERE channel_id = ? AND message_id = ?', `WHERE ${where}`);
    return this.withState(await this.query<StoredMessage>(sql, params));
  }

  async channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const upper = before === undefined ? NO_UPPER_ID : padId(before);
    return this.withState(
      await this.query<StoredMessage>(HISTORY_SQL.channelPage, [channelId, upper, limit]),
    );
  }

  async changesAfter(userId: string, after: string | undefined, limit: number): Promise<ChangeEntry[]> {
    const lower = after === undefined ? '' : padId(after);
    return (await this.query<StoredChange>(HISTORY_SQL.changesPage, [userId, lower, limit])).map(toChange);
  }

  async updateContent(channelId: string, id: string, update: ContentUpdate): Promise<void> {
    await this.query(HISTORY_SQL.updateContent, contentParams(channelId, id, update));
  }

  async countUnread(
    channelId: string,
    range: { after: string; upTo: string; readerId: string; cap: number },
  ): Promise<number> {
    const rows = await this.query<{ n: string | number }>(
      HISTORY_SQL.countUnread,
      countUnreadParams(channelId, range),
    );
    return Number(rows[0].n);
  }

  async setReaction(
    ref: MessageRef,
    r: { emoji: string; userId: string; active: boolean; changeId: string },
  ): Promise<void> {
    const [channelId, messageId, changeId] = [ref.channelId, padId(ref.id), padId(r.changeId)];
    if (!r.active) {
      await this.query(HISTORY_SQL.reactionOff, [changeId, channelId, messageId, r.emoji, r.userId]);
      return;
    }
    await this.query(HISTORY_SQL.markReacted, [channelId, messageId]);
    await this.query(HISTORY_SQL.reactionOn, [channelId, messageId, r.emoji, r.userId, changeId]);
  }

  private withState(rows: StoredMessage[]): Promise<Message[]> {
    return toMessages(rows, (refs) => {
      const { where, params } = refsWhere(refs.map((r) => [r.channelId, r.messageId]));
      const sql = HISTORY_SQL.reactionsOf.replace('channel_id = ? AND message_id = ?', where);
      return this.query<StoredReaction>(sql, params);
    });
  }

  private query<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    return this.ds.query(this.dialect(sql), params);
  }
}

/** `(channel_id, message_id) IN (...)` over padded refs: one indexed lookup each, in one statement. */
function refsWhere(refs: [string, string][]): { where: string; params: string[] } {
  return {
    where: `(channel_id, message_id) IN (${refs.map(() => '(?, ?)').join(', ')})`,
    params: refs.flat(),
  };
}
