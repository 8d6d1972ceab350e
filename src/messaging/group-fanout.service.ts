import { Injectable } from '@nestjs/common';
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
  constructor(
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
    private readonly publisher: MessagePublisher,
    private readonly afterDelivery: AfterDelivery,
  ) {}

  async fanout(message: Message, exceptSocketId?: string, correlationId?: string): Promise<string[]> {
    const id = BigInt(message.id);
    const members = (await this.groups.memberIds(message.channelId))
      .filter((m) => BigInt(m.visibleFrom) <= id)
      .map((m) => m.userId);
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
    await this.fanout(message, job.exceptSocketId, job.correlationId);
  }
}
