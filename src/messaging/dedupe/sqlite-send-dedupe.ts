import { Injectable } from '@nestjs/common';
import { SqliteWriter, WriteOp } from '../../database/sqlite-writer';
import { DEDUPE_TTL_MS, SendDedupe, SendRef } from './send-dedupe';
import { padId, unpadId } from '../../ids/padded-id';

export const DEDUPE_SQL = {
  claim:
    'INSERT INTO send_dedupe (sender_id, client_msg_id, message_id, channel_id, created_at) VALUES (?, ?, ?, ?, ?) ' +
    // An expired binding is taken over; a live one stays.
    'ON CONFLICT (sender_id, client_msg_id) DO UPDATE SET message_id = excluded.message_id, channel_id = excluded.channel_id, ' +
    'created_at = excluded.created_at WHERE send_dedupe.created_at < ?',
  read: 'SELECT message_id, channel_id, created_at FROM send_dedupe WHERE sender_id = ? AND client_msg_id = ?',
  sweep: 'DELETE FROM send_dedupe WHERE created_at < ?',
};

/** Embedded dedupe: the claim joins the same group commit as the message it guards. */
@Injectable()
export class SqliteSendDedupe extends SendDedupe {
  private lastSweep = 0;

  constructor(private readonly sqlite: SqliteWriter) {
    super();
  }

  claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef> {
    return this.claimAnd(senderId, clientMsgId, candidate);
  }

  /**
   * Claims, and when the claim binds `candidate`, runs `then` in the same transaction (see SqliteSendStore).
   * A fresh claim answers without a read: the binding is the candidate.
   */
  async claimAnd(
    senderId: string,
    clientMsgId: string,
    candidate: SendRef,
    then: WriteOp['steps'] = [],
  ): Promise<SendRef> {
    const now = Date.now();
    const sweep = now - this.lastSweep > 60_000;
    if (sweep) this.lastSweep = now;
    const created = Date.parse(candidate.createdAt);
    const held = await this.sqlite.write<DedupeRow | undefined>({
      steps: [
        ...(sweep ? [{ sql: DEDUPE_SQL.sweep, rows: [[now - DEDUPE_TTL_MS]] }] : []),
        {
          sql: DEDUPE_SQL.claim,
          rows: [
            [senderId, clientMsgId, padId(candidate.id), candidate.channelId, created, now - DEDUPE_TTL_MS],
          ],
        },
        ...then,
      ],
      claim: sweep ? 1 : 0,
      read: { sql: DEDUPE_SQL.read, params: [senderId, clientMsgId] },
    });
    return held ? toSendRef(held) : candidate;
  }
}

interface DedupeRow {
  message_id: string;
  channel_id: string;
  created_at: number;
}

export function toSendRef(row: DedupeRow): SendRef {
  return {
    id: unpadId(row.message_id),
    channelId: row.channel_id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}
