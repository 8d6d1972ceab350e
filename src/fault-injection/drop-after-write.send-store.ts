import { Logger } from '@nestjs/common';
import type { SendRef } from '../messaging/dedupe/send-dedupe';
import type { Message } from '../messaging/message';
import { SendStore } from '../messaging/send-store/send-store';
import { FAULTS } from './faults';

/** A SendStore whose first write of a `dropAfterWrite` send succeeds and then never answers. */
export class DropAfterWriteSendStore extends SendStore {
  private readonly logger = new Logger('FaultInjection');

  constructor(private readonly real: SendStore) {
    super();
  }

  async claimAndStore(message: Message, inboxUserIds: readonly string[] | undefined): Promise<SendRef> {
    const bound = await this.real.claimAndStore(message, inboxUserIds);
    // A resend finds the earlier binding (bound.id differs) and goes through untouched.
    if (bound.id !== message.id || !message.clientMsgId.startsWith(FAULTS.dropAfterWrite)) return bound;
    this.logger.warn('fault injection: the send stops after its durable write (no ack, no delivery)');
    return new Promise<never>(() => undefined);
  }
}
