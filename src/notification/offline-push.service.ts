import { Injectable, Logger } from '@nestjs/common';
import { TurnBatch } from '../common/turn-batch';
import { AfterDelivery } from '../messaging/after-delivery';
import type { Message } from '../messaging/message';
import { PresenceStore } from '../presence/presence.store';
import { RealtimeEmitter } from '../realtime/realtime-emitter';
import { PushDispatcher } from './push-dispatcher';

/**
 * Hands the recipients of a message who have no live connection to the push queue. It runs after the
 * delivery and never delays or fails the ack: a lost notification is not a lost message (sync has it).
 */
@Injectable()
export class OfflinePush implements AfterDelivery {
  private readonly logger = new Logger(OfflinePush.name);
  /** The messages of one event-loop turn share one presence lookup. */
  private readonly pending = new TurnBatch<Pending>(
    (batch) =>
      void this.run(batch).catch((e: Error) => this.logger.warn(`push enqueue failed: ${e.message}`)),
  );

  constructor(
    private readonly presence: PresenceStore,
    private readonly push: PushDispatcher,
    private readonly realtime: RealtimeEmitter,
  ) {}

  delivered(userIds: readonly string[], message: Message, correlationId?: string): void {
    // A recipient with a socket on this node is online: no presence lookup (a Redis call when distributed).
    const recipients = userIds.filter((u) => u !== message.senderId && !this.realtime.connectedHere(u));
    if (!recipients.length) return;
    this.pending.add({ recipients, message, correlationId });
  }

  private async run(batch: Pending[]): Promise<void> {
    const status = await this.presence.status([...new Set(batch.flatMap((p) => p.recipients))]);
    await Promise.all(
      batch.map(({ recipients, message, correlationId }) => {
        const offline = recipients.filter((u) => status.get(u)?.status !== 'online');
        return offline.length ? this.push.notifyOffline(offline, message, correlationId) : undefined;
      }),
    );
  }
}

interface Pending {
  recipients: string[];
  message: Message;
  correlationId?: string;
}
