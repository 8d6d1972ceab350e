import { Injectable } from '@nestjs/common';
import { SqliteSendDedupe } from '../dedupe/sqlite-send-dedupe';
import type { SendRef } from '../dedupe/send-dedupe';
import { changeRows, channelRow, HISTORY_SQL, newEntry } from '../history/sql-history.sql';
import type { Message } from '../message';
import { SendStore } from './send-store';
import { postedStep } from '../../conversations/conversations.sql';

/**
 * Embedded: the claim, the channel row, the inbox rows and the conversations' counts are one write in one group commit, so a send waits
 * for one fsync instead of two (claim, then rows) and crosses to the writer thread once. The rows are written
 * only when the claim binds this message (the writer skips them otherwise).
 */
@Injectable()
export class SqliteSendStore extends SendStore {
  constructor(private readonly dedupe: SqliteSendDedupe) {
    super();
  }

  claimAndStore(message: Message, inboxUserIds: readonly string[] | undefined): Promise<SendRef> {
    const { id, channelId, createdAt } = message;
    return this.dedupe.claimAnd(message.senderId, message.clientMsgId, { id, channelId, createdAt }, [
      { sql: HISTORY_SQL.insertMessage, rows: [channelRow(message)] },
      ...(inboxUserIds?.length
        ? [{ sql: HISTORY_SQL.insertChange, rows: changeRows(inboxUserIds, newEntry(message)) }]
        : []),
      // Counted in the conversations in the same transaction: counted exactly once, with the message.
      postedStep(message, inboxUserIds),
    ]);
  }
}
