/** What a (sender, clientMsgId) pair is bound to: the message id and channel it produced. */
export interface SendRef {
  id: string;
  channelId: string;
  createdAt: string;
}

export const DEDUPE_TTL_MS = 24 * 3600 * 1000;

/**
 * The dedupe port. `claim` binds a (sender, clientMsgId) to `candidate` unless it is already bound, and
 * returns the binding that holds. Lives in shared storage (Redis or the store), never in process memory.
 */
export abstract class SendDedupe {
  abstract claim(senderId: string, clientMsgId: string, candidate: SendRef): Promise<SendRef>;
}
