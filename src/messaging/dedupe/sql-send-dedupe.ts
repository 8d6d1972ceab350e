import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import { SendDedupeRow } from '../message.entities';
import { DEDUPE_TTL_MS, SendDedupe, SendRef } from './send-dedupe';
import { padId, unpadId } from '../../ids/padded-id';

@Injectable()
export class SqlSendDedupe extends SendDedupe {
  private readonly repo: Repository<SendDedupeRow>;
  private lastSweep = 0;

  constructor(@InjectDataSource() ds: DataSource) {
    super();
    this.repo = ds.getRepository(SendDedupeRow);
  }

  async claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef> {
    await this.sweep();
    const now = Date.now();
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({
        senderId,
        clientMsgId,
        messageId: padId(candidate.id),
        channelId: candidate.channelId,
        createdAt: Date.parse(candidate.createdAt),
      })
      .orIgnore()
      .execute();
    const row = await this.repo.findOneByOrFail({ senderId, clientMsgId });
    const createdAt = Number(row.createdAt);
    if (createdAt < now - DEDUPE_TTL_MS) {
      // An expired binding: the clientMsgId may be reused, so this send takes it over.
      await this.repo.update(
        { senderId, clientMsgId },
        { messageId: padId(candidate.id), channelId: candidate.channelId, createdAt: now },
      );
      return candidate;
    }
    return {
      id: unpadId(row.messageId),
      channelId: row.channelId,
      createdAt: new Date(createdAt).toISOString(),
    };
  }

  /** Drops expired bindings at most once a minute, so the table stays at about one day of sends. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.repo.delete({ createdAt: LessThan(now - DEDUPE_TTL_MS) });
  }
}
