import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThan, Repository } from 'typeorm';
import type { Message } from '../message';
import { ChannelMessageRow, InboxRow } from '../message.entities';
import { bucketOf, HistoryStore } from './history.store';
import { padId, unpadId } from '../../ids/padded-id';
import { TurnBatch, Waiter } from '../../common/turn-batch';

/** Postgres allows 65,535 parameters a statement; inbox rows have 9 columns. */
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
 * SQLite). Ids are zero-padded strings so ordering is numeric on every engine.
 */
@Injectable()
export class SqlHistoryStore extends HistoryStore {
  private readonly channel: Repository<ChannelMessageRow>;
  private readonly inbox: Repository<InboxRow>;
  private readonly channelInserts: TurnInserts<ChannelMessageRow>;
  private readonly inboxInserts: TurnInserts<InboxRow>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.channel = ds.getRepository(ChannelMessageRow);
    this.inbox = ds.getRepository(InboxRow);
    this.channelInserts = new TurnInserts((rows) =>
      this.channel.createQueryBuilder().insert().values(rows).orIgnore().execute(),
    );
    this.inboxInserts = new TurnInserts((rows) =>
      this.inbox.createQueryBuilder().insert().values(rows).orIgnore().execute(),
    );
  }

  saveMessage(m: Message): Promise<void> {
    return this.channelInserts.add([this.row(m)]);
  }

  addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    if (!userIds.length) return Promise.resolve();
    const base = this.row(m);
    return this.inboxInserts.add(userIds.map((userId) => ({ ...base, userId })));
  }

  async getMessage(channelId: string, id: string): Promise<Message | null> {
    const r = await this.channel.findOneBy({ channelId, messageId: padId(id) });
    return r && toMessage(r);
  }

  async channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]> {
    const rows = await this.channel.find({
      where: before === undefined ? { channelId } : { channelId, messageId: LessThan(padId(before)) },
      order: { messageId: 'DESC' },
      take: limit,
    });
    return rows.map(toMessage);
  }

  async inboxAfter(userId: string, after: string | undefined, limit: number): Promise<Message[]> {
    const rows = await this.inbox.find({
      where: after === undefined ? { userId } : { userId, messageId: MoreThan(padId(after)) },
      order: { messageId: 'ASC' },
      take: limit,
    });
    return rows.map(toMessage);
  }

  private row(m: Message): ChannelMessageRow {
    return {
      channelId: m.channelId,
      messageId: padId(m.id),
      bucket: bucketOf(m.id),
      channelType: m.channelType,
      senderId: m.senderId,
      content: m.content,
      clientMsgId: m.clientMsgId,
      createdAt: Date.parse(m.createdAt),
    };
  }
}

/** The columns both SQL adapters read, named as the entities name them. */
export type StoredRow = Pick<
  ChannelMessageRow,
  'messageId' | 'channelId' | 'channelType' | 'senderId' | 'content' | 'clientMsgId' | 'createdAt'
>;

export function toMessage(r: StoredRow): Message {
  return {
    id: unpadId(r.messageId),
    channelId: r.channelId,
    channelType: r.channelType === 'group' ? 'group' : 'dm',
    senderId: r.senderId,
    content: r.content,
    clientMsgId: r.clientMsgId,
    createdAt: new Date(Number(r.createdAt)).toISOString(),
  };
}
