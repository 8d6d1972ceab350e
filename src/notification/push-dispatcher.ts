import { Inject, Injectable } from '@nestjs/common';
import { snowflakeTime } from '../ids/snowflake';
import { JobQueue } from '../queue/job-queue';
import { PushCollapseGate } from './collapse/push-collapse-gate';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';

export interface PushableMessage {
  id: string;
  channelId: string;
  senderId: string;
}

/** The push job of a window: named after its first message, so a resend's re-enqueue is the same job. */
export const pushJobId = (userId: string, channelId: string, messageId: string) =>
  `push:${userId}:${channelId}:${messageId}`;

/**
 * The send path's entry to push (any role may call it): one `push` job per offline recipient, collapsed
 * per (user, channel). The first message opens a window of PUSH_COLLAPSE_WINDOW_MS and its job runs when
 * the window closes (plus a short settle time); messages inside the window enqueue nothing, and the job
 * counts them from the user's inbox. The caller decides who is offline (no live connection); the job
 * checks again when it runs.
 */
@Injectable()
export class PushDispatcher {
  constructor(
    private readonly queue: JobQueue,
    private readonly gate: PushCollapseGate,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  /**
   * Rejects if the queue or the gate's store is unreachable. On a path that has already stored the
   * message, log that and go on: a missed push is not a lost message (devices catch up through sync).
   */
  async notifyOffline(
    userIds: readonly string[],
    message: PushableMessage,
    correlationId?: string,
  ): Promise<void> {
    const recipients = [...new Set(userIds)].filter((u) => u !== message.senderId);
    await Promise.all(recipients.map((u) => this.notifyOne(u, message, correlationId)));
  }

  private async notifyOne(userId: string, m: PushableMessage, correlationId?: string): Promise<void> {
    const windowMs = this.options.collapseWindowMs;
    if (windowMs > 0 && !(await this.gate.tryOpen(userId, m.channelId, windowMs))) return;
    // Anchored at the message's own time if this clock is behind the sender's.
    const windowEndMs = Math.max(Date.now(), snowflakeTime(m.id)) + windowMs;
    try {
      await this.queue.add(
        'push',
        { userId, channelId: m.channelId, messageId: m.id, windowEndMs, correlationId },
        { jobId: pushJobId(userId, m.channelId, m.id), delayMs: windowMs + this.options.collapseSettleMs },
      );
    } catch (e) {
      if (windowMs > 0) await this.gate.close(userId, m.channelId).catch(() => undefined);
      throw e;
    }
  }
}
