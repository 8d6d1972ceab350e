import type { Message } from './message';

/**
 * The port messaging calls once a message has gone out to its recipients' live sockets (a DM at once, a group
 * through its fan-out). Messaging defines it and the notification module implements it (push for the
 * recipients who are offline), so messaging never imports notification. An implementation must return at once:
 * it never delays or fails the ack (a lost notification is not a lost message: sync has it).
 */
export abstract class AfterDelivery {
  /** `correlationId` names the send that caused the delivery, for the jobs and log lines that follow. */
  abstract delivered(recipientIds: readonly string[], message: Message, correlationId?: string): void;
}
