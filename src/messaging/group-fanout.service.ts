import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { FanoutJob } from '../queue/job-catalogue';
import { GroupsRepository } from '../groups/groups.repository';
import { HistoryStore } from './history/history.store';
import type { Message } from './message';
import { MessagePublisher } from './message-publisher';
import { AfterDelivery } from './after-delivery';

/**
 * Fan-out on write for a group message: every current member who may see it (joined before it was sent)
 * gets an inbox copy and a `message:new` on each device. Idempotent: a rerun rewrites the same inbox rows
 * and republishes the same id, which clients dedupe. The worker runs it from the fanout queue; the embedded
 * server, whose queue lives in memory, runs it on the send path before the ack.
 */
@Injectable()
export class GroupFanoutService {
  /** Test hook (CHAT_TEST_HOOKS=1): a fan-out of a message starting with this stops halfway, forever. */
  static readonly PAUSE_HOOK = 'test:pause-fanout';
  /** Test hook: a fan-out job of a message starting with this fails all its attempts, then succeeds. */
  static readonly FAIL_HOOK = 'test:fail-fanout';
  private readonly failedRuns = new Map<string, number>();
  private readonly logger = new Logger(GroupFanoutService.name);

  constructor(
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
    private readonly publisher: MessagePublisher,
    private readonly config: AppConfig,
    private readonly afterDelivery: AfterDelivery,
  ) {}

  async fanout(message: Message, exceptSocketId?: string, correlationId?: string): Promise<string[]> {
    const id = BigInt(message.id);
    const members = (await this.groups.memberIds(message.channelId))
      .filter((m) => BigInt(m.visibleFrom) <= id)
      .map((m) => m.userId);
    if (this.config.testHooks && message.content.startsWith(GroupFanoutService.PAUSE_HOOK)) {
      await this.history.addToInboxes(members.slice(0, members.length >> 1), message);
      this.logger.warn('test hook: fan-out paused halfway');
      await new Promise(() => undefined); // until the process is killed
    }
    await this.history.addToInboxes(members, message);
    this.publisher.publish(members, message, exceptSocketId);
    this.afterDelivery.delivered(members, message, correlationId);
    return members;
  }

  /** The processor's entry: loads the stored message by id (jobs carry ids, not messages). */
  async fanoutById(job: FanoutJob): Promise<void> {
    const { channelId, messageId } = job;
    const message = await this.history.getMessage(channelId, messageId);
    if (!message) throw new Error(`fanout: message ${messageId} of ${channelId} is not stored (yet)`);
    if (this.config.testHooks && message.content.startsWith(GroupFanoutService.FAIL_HOOK)) {
      const runs = (this.failedRuns.get(messageId) ?? 0) + 1;
      this.failedRuns.set(messageId, runs);
      if (runs <= this.config.jobs.attempts)
        throw new Error('test hook: fan-out fails until retried by an admin');
    }
    await this.fanout(message, job.exceptSocketId, job.correlationId);
  }
}
