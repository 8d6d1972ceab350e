import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TurnBatch, Waiter } from '../../common/turn-batch';
import { padId, unpadId } from '../../ids/padded-id';
import { DEDUPE_TTL_MS, SendDedupe, SendRef } from './send-dedupe';

/** 5 parameters a row; Postgres allows 65,535 a statement. */
const MAX_CLAIMS_PER_STATEMENT = 2000;

interface Claim extends Waiter<SendRef> {
  senderId: string;
  clientMsgId: string;
  candidate: SendRef;
}

interface HeldRow {
  sender_id: string;
  client_msg_id: string;
  message_id: string;
  channel_id: string;
  created_at: string | number;
}

const keyOf = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;

/**
 * Dedupe in Postgres, beside the history it guards (a deployment without Cassandra). The claims of one
 * event-loop turn go as one statement: INSERT ... ON CONFLICT DO UPDATE only where the binding there has
 * expired, RETURNING the claims that bound their candidate; only when some did not (a resend) does a second
 * statement read who holds them. Two claims of one key in the same turn share the first one's answer.
 */
@Injectable()
export class SqlSendDedupe extends SendDedupe {
  private readonly logger = new Logger(SqlSendDedupe.name);
  private readonly batch = new TurnBatch<Claim>((claims) => void this.flush(claims));
  private lastSweep = 0;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef> {
    this.sweepNow();
    return new Promise((resolve, reject) =>
      this.batch.add({ senderId, clientMsgId, candidate, resolve, reject }),
    );
  }

  private flush(claims: Claim[]): void {
    const first = new Map<string, Claim[]>();
    for (const c of claims) {
      const k = keyOf(c.senderId, c.clientMsgId);
      first.set(k, [...(first.get(k) ?? []), c]);
    }
    const groups = [...first.values()];
    for (let i = 0; i < groups.length; i += MAX_CLAIMS_PER_STATEMENT) {
      const chunk = groups.slice(i, i + MAX_CLAIMS_PER_STATEMENT);
      this.claimChunk(chunk).catch((e: unknown) => chunk.flat().forEach((c) => c.reject(e)));
    }
  }

  /** Each group holds the claims of one key: the first one's candidate is the one claimed. */
  private async claimChunk(groups: Claim[][]): Promise<void> {
    const leads = groups.map((g) => g[0]);
    const params: unknown[] = [Date.now() - DEDUPE_TTL_MS];
    const values = leads.map((c) => {
      const n = params.length;
      params.push(
        c.senderId,
        c.clientMsgId,
        padId(c.candidate.id),
        c.candidate.channelId,
        Date.parse(c.candidate.createdAt),
      );
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`;
    });
    const bound = (await this.ds.query(
      'INSERT INTO send_dedupe (sender_id, client_msg_id, message_id, channel_id, created_at) ' +
        `VALUES ${values.join(', ')} ON CONFLICT (sender_id, client_msg_id) DO UPDATE SET ` +
        'message_id = EXCLUDED.message_id, channel_id = EXCLUDED.channel_id, created_at = EXCLUDED.created_at ' +
        'WHERE send_dedupe.created_at < $1 RETURNING sender_id, client_msg_id',
      params,
    )) as Pick<HeldRow, 'sender_id' | 'client_msg_id'>[];
    const won = new Set(bound.map((r) => keyOf(r.sender_id, r.client_msg_id)));
    const lost = groups.filter((g) => !won.has(keyOf(g[0].senderId, g[0].clientMsgId)));
    const holders = lost.length ? await this.holders(lost.map((g) => g[0])) : new Map<string, SendRef>();
    for (const g of groups) {
      const k = keyOf(g[0].senderId, g[0].clientMsgId);
      const ref = won.has(k) ? g[0].candidate : holders.get(k);
      if (ref) g.forEach((c) => c.resolve(ref));
      else g.forEach((c) => c.reject(new Error('send dedupe: a binding vanished between claim and read')));
    }
  }

  private async holders(claims: Claim[]): Promise<Map<string, SendRef>> {
    const params: string[] = [];
    const pairs = claims.map((c) => {
      params.push(c.senderId, c.clientMsgId);
      return `($${params.length - 1}, $${params.length})`;
    });
    const rows = (await this.ds.query(
      'SELECT sender_id, client_msg_id, message_id, channel_id, created_at FROM send_dedupe ' +
        `WHERE (sender_id, client_msg_id) IN (${pairs.join(', ')})`,
      params,
    )) as HeldRow[];
    return new Map(
      rows.map((r) => [
        keyOf(r.sender_id, r.client_msg_id),
        {
          id: unpadId(r.message_id),
          channelId: r.channel_id,
          createdAt: new Date(Number(r.created_at)).toISOString(),
        },
      ]),
    );
  }

  /** Drops expired bindings at most once a minute, off the claim's path, so the table stays at a day of sends. */
  private sweepNow(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.ds
      .query('DELETE FROM send_dedupe WHERE created_at < $1', [now - DEDUPE_TTL_MS])
      .catch((e: Error) => this.logger.warn(`send dedupe sweep: ${e.message}`));
  }
}
