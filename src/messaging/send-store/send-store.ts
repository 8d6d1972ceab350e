import { Injectable } from '@nestjs/common';
import { SendDedupe, SendRef } from '../dedupe/send-dedupe';
import { HistoryStore } from '../history/history.store';
import { ConversationStore } from '../../conversations/conversation-store';
import { countTolerantly } from './conversation-counts';
import type { Message } from '../message';

/**
 * The first write of a send: bind (sender, clientMsgId) to a new message and store that message, its channel
 * row, (for a DM) every participant's inbox row, and count it in the members' conversations, but only when the
 * binding is to it. Returns the binding
 * that holds; when it is not `message`, nothing was written and the caller deals with the earlier binding.
 */
export abstract class SendStore {
  abstract claimAndStore(message: Message, inboxUserIds: readonly string[] | undefined): Promise<SendRef>;
}

/** Dedupe and history in different places (Postgres, Cassandra): claim first, then the message row, then the entries. */
@Injectable()
export class ClaimThenStore extends SendStore {
  constructor(
    private readonly dedupe: SendDedupe,
    private readonly history: HistoryStore,
    private readonly conversations: ConversationStore,
  ) {
    super();
  }

  async claimAndStore(message: Message, inboxUserIds: readonly string[] | undefined): Promise<SendRef> {
    const { id, channelId, createdAt } = message;
    const bound = await this.dedupe.claim(message.senderId, message.clientMsgId, {
      id,
      channelId,
      createdAt,
    });
    if (bound.id !== message.id) return bound;
    // The message row before the change-log entries: sync reads an entry's message from the channel's log,
    // so an entry must never be visible before its message (a sync would pass over it for good).
    await this.history.saveMessage(message);
    // The entries and the conversations' counts (relational) in parallel: both only after the row.
    await Promise.all([
      inboxUserIds?.length ? this.history.addToInboxes(inboxUserIds, message) : undefined,
      countTolerantly(this.conversations, message, inboxUserIds),
    ]);
    return bound;
  }
}
