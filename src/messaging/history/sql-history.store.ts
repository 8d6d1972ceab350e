import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThan, Repository } from 'typeorm';
import type { Message } from '../message';
import { ChannelMessageRow, InboxRow } from '../message.entities';
import { bucketOf, HistoryStore } from './history.store';
import { padId, unpadId } from '../../ids/padded-id';

/**
 * History in the relational store (embedded SQLite, or Postgres when there is no Cassandra). Ids are
 * zero-padded strings so ordering is numeric on every engine.
 */
@Injectable()
export class SqlHistoryStore extends HistoryStore {
  private readonly channel: Repository<ChannelMessageRow>;
  private readonly inbox: Repository<InboxRow>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.channel = ds.getRepository(ChannelMessageRow);
    this.inbox = ds.getRepository(InboxRow);
  }

  async saveMessage(m: Message): Promise<void> {
    await this.channel.createQueryBuilder().insert().values(this.row(m)).orIgnore().execute();
  }

  async addToInboxes(userIds: readonly string[], m: Message): Promise<void> {
    if (!userIds.length) return;
    const base = this.row(m);
    await this.inbox
      .createQueryBuilder()
      .insert()
      .values(userIds.map((userId) => ({ ...base, userId })))
      .orIgnore()
      .execute();
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
