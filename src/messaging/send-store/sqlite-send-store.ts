import { Injectable } from '@nestjs/common';
import { SqliteWriter } from '../../database/sqlite-writer';
import { SqliteSendDedupe, toSendRef } from '../dedupe/sqlite-send-dedupe';
import type { SendRef } from '../dedupe/send-dedupe';
import { channelRow, HISTORY_SQL, inboxRows } from '../history/sqlite-history.store';
import { padId } from '../../ids/padded-id';
import type { Message } from '../message';
import { SendStore } from './send-store';

// The claim and the rows go into one transaction; the rows are written only if the claim bound this message.
const IF_CLAIMED =
  ' WHERE EXISTS (SELECT 1 FROM send_dedupe WHERE sender_id = ? AND client_msg_id = ? AND message_id = ?)';
const asGuardedInsert = (insert: string): string =>
  insert.replace(/VALUES \((.*)\)$/, 'SELECT $1') + IF_CLAIMED;
const SQL = {
  insertMessage: asGuardedInsert(HISTORY_SQL.insertMessage),
  insertInbox: asGuardedInsert(HISTORY_SQL.insertInbox),
};

/**
 * Embedded: the claim, the channel row and the inbox rows are one write in one group commit, so a send waits
 * for one fsync instead of two (claim, then rows) and crosses to the writer thread once.
 */
@Injectable()
export class SqliteSendStore extends SendStore {
  constructor(
    private readonly sqlite: SqliteWriter,
    private readonly dedupe: SqliteSendDedupe,
  ) {
    super();
  }

  async claimAndStore(message: Message, inboxUserIds: readonly string[] | undefined): Promise<SendRef> {
    const guard = [message.senderId, message.clientMsgId, padId(message.id)];
    const steps = [
      { sql: SQL.insertMessage, rows: [[...channelRow(message), ...guard]] },
      ...(inboxUserIds?.length
        ? [{ sql: SQL.insertInbox, rows: inboxRows(inboxUserIds, message).map((r) => [...r, ...guard]) }]
        : []),
    ];
    const { id, channelId, createdAt } = message;
    const op = this.dedupe.claimOp(
      message.senderId,
      message.clientMsgId,
      { id, channelId, createdAt },
      steps,
    );
    return toSendRef(await this.sqlite.write(op));
  }
}
