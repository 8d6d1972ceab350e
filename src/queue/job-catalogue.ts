/**
 * The typed job catalogue: every queue and the payload its jobs carry, in one place. Payloads hold ids
 * only (the processor reads the current rows), so a job stays small in Redis and never carries a stale
 * copy of a message. Payloads travel as JSON: plain strings and numbers, no Dates or class instances.
 */

/** Write a group message's inbox copies, emit it to every member, enqueue pushes for offline ones. */
export interface FanoutJob {
  messageId: string;
  channelId: string;
  senderId: string;
  /** The sending socket, which already has the message from its ack; the fanout skips it. */
  exceptSocketId?: string;
  correlationId?: string;
}

/** Notify one offline user's registered devices about a message. */
export interface PushJob {
  userId: string;
  channelId: string;
  /** The first message of the collapse window (src/notification/push-dispatcher.ts). */
  messageId: string;
  /**
   * Epoch ms at which the window closed: the job sums up the channel's messages to the user from
   * `messageId` up to this time. Absent: the message's time plus the configured window.
   */
  windowEndMs?: number;
  /** Set on a follow-up job that retries the one device whose push service asked for a retry. */
  deviceId?: string;
  correlationId?: string;
}

export interface JobCatalogue {
  fanout: FanoutJob;
  push: PushJob;
}

export type QueueName = keyof JobCatalogue;
export type JobPayload<Q extends QueueName> = JobCatalogue[Q];

// A Record over QueueName, so adding a queue to the catalogue without listing it here does not compile.
const QUEUES: Record<QueueName, true> = { fanout: true, push: true };

/** Every queue in the catalogue. */
export const QUEUE_NAMES = Object.keys(QUEUES) as readonly QueueName[];
