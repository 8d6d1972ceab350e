import { Injectable } from '@nestjs/common';
import { QueryOptions, types } from 'cassandra-driver';
import { CassandraService } from '../../cassandra/cassandra.service';
import { DEDUPE_TTL_MS, SendDedupe, SendRef } from './send-dedupe';

const CLAIM =
  'INSERT INTO send_dedupe (sender_id, client_msg_id, message_id, channel_id, created_at) VALUES (?, ?, ?, ?, ?) ' +
  `IF NOT EXISTS USING TTL ${DEDUPE_TTL_MS / 1000}`;

/**
 * A lightweight transaction (Paxos at LOCAL_SERIAL). Retrying it is safe for this use although the driver
 * would not know: a retry of our own claim that did apply answers "not applied" with our own message id,
 * which `claim` reads as ours.
 */
const OPTS: QueryOptions = {
  prepare: true,
  isIdempotent: true,
  serialConsistency: types.consistencies.localSerial,
};

/**
 * Dedupe in Cassandra, beside the history it guards (DESIGN.md section 4): (sender, clientMsgId) is bound with
 * INSERT ... IF NOT EXISTS, so the first claim wins on every node and a replay can never bind a second message,
 * whatever happens to Redis. The row expires after 24 h, when the clientMsgId may be reused.
 */
@Injectable()
export class CassandraSendDedupe extends SendDedupe {
  constructor(private readonly cassandra: CassandraService) {
    super();
  }

  async claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef> {
    const rs = await this.cassandra.client.execute(
      CLAIM,
      [
        senderId,
        clientMsgId,
        types.Long.fromString(candidate.id),
        candidate.channelId,
        new Date(Date.parse(candidate.createdAt)),
      ],
      OPTS,
    );
    const row = rs.first();
    if (row.get('[applied]') === true) return candidate;
    return {
      id: (row.get('message_id') as types.Long).toString(),
      channelId: row.get('channel_id') as string,
      createdAt: (row.get('created_at') as Date).toISOString(),
    };
  }
}
