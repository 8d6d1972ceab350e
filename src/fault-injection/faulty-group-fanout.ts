import { Logger } from '@nestjs/common';
import type { GroupsRepository } from '../groups/groups.repository';
import type { GroupFanoutService } from '../messaging/group-fanout.service';
import type { HistoryStore } from '../messaging/history/history.store';
import type { Message } from '../messaging/message';
import type { FanoutJob } from '../queue/job-catalogue';
import { FANOUT_PAUSED, FAULTS } from './faults';

/** GroupFanoutService with the `pauseFanout` and `failFanout` faults in front of the real one. */
export class FaultyGroupFanout implements Pick<GroupFanoutService, 'fanout' | 'fanoutById'> {
  private readonly logger = new Logger('FaultInjection');
  private readonly failedRuns = new Map<string, number>();

  constructor(
    private readonly real: GroupFanoutService,
    private readonly groups: GroupsRepository,
    private readonly history: HistoryStore,
    /** Attempts a job is given before it lands in the failed list. */
    private readonly attempts: number,
  ) {}

  async fanout(message: Message, exceptSocketId?: string, correlationId?: string): Promise<string[]> {
    if (!message.content.startsWith(FAULTS.pauseFanout))
      return this.real.fanout(message, exceptSocketId, correlationId);
    const members = (await this.groups.memberIds(message.channelId)).map((m) => m.userId);
    await this.history.addToInboxes(members.slice(0, members.length >> 1), message);
    this.logger.warn(FANOUT_PAUSED);
    return new Promise<never>(() => undefined); // until the process is killed
  }

  async fanoutById(job: FanoutJob): Promise<void> {
    const { channelId, messageId } = job;
    const message = await this.history.getMessage(channelId, messageId);
    if (!message) return this.real.fanoutById(job);
    if (message.content.startsWith(FAULTS.failFanout)) {
      const runs = (this.failedRuns.get(messageId) ?? 0) + 1;
      this.failedRuns.set(messageId, runs);
      if (runs <= this.attempts) throw new Error('fault injection: fan-out fails until retried by an admin');
    }
    await this.fanout(message, job.exceptSocketId, job.correlationId);
  }
}
