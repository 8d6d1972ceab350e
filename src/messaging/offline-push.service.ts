import { Injectable, Logger } from '@nestjs/common';
import { PushDispatcher } from '../notification/push-dispatcher';
import { PresenceStore } from '../presence/presence.store';
import { RealtimeEmitter } from '../realtime/realtime-emitter';
import type { Message } from './message';

/**
 * Hands the recipients of a message who have no live connection to the push queue. It runs after the
 * delivery and never delays or fails the ack: a lost notification is not a lost message (sync has it).
 */
@Injectable()
export class OfflinePush {
  private readonly logger = new Logger(OfflinePush.name);

  constructor(
    private readonly presence: PresenceStore,
    private readonly push: PushDispatcher,
    private readonly realtime: RealtimeEmitter,
  ) {}

  notify(userIds: readonly string[], message: Message): void {
    // A recipient with a socket on this node is online: no presence lookup (a Redis call when distributed).
    const recipients = userIds.filter((u) => u !== message.senderId && !this.realtime.connectedHere(u));
    if (!recipients.length) return;
    void this.run(recipients, message).catch((e: Error) =>
      this.logger.warn(`push enqueue failed: ${e.message}`),
    );
  }

  private async run(recipients: string[], message: Message): Promise<void> {
    const status = await this.presence.status(recipients);
    const offline = recipients.filter((u) => status.get(u)?.status !== 'online');
    if (offline.length) await this.push.notifyOffline(offline, message);
  }
}
