import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { ChatNodeRegistry } from '../discovery/chat-node-registry';
import { GroupDto } from '../groups/groups.dto';
import { GroupsRepository } from '../groups/groups.repository';
import { MessageRate, ReadRate } from '../metrics/message-rate';
import { PresenceStore } from '../presence/presence.store';
import { QUEUE_NAMES, QueueName } from '../queue/job-catalogue';
import { FailedJob, JobCounts, JobQueue } from '../queue/job-queue';
import { RealtimeEmitter } from '../realtime/realtime-emitter';
import { AuditRepository } from './audit.repository';

/** Operations: groups, queues, live stats, announcements. Every change is written to the audit log. */
@Injectable()
export class AdminOpsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly queue: JobQueue,
    private readonly presence: PresenceStore,
    private readonly rate: MessageRate,
    private readonly reads: ReadRate,
    private readonly registry: ChatNodeRegistry,
    private readonly realtime: RealtimeEmitter,
    private readonly audit: AuditRepository,
  ) {}

  async listGroups(offset = 0, limit = 50): Promise<{ groups: GroupDto[]; total: number }> {
    const { groups, total } = await this.groups.page(offset, limit);
    return { groups: groups.map(GroupDto.of), total };
  }

  async showGroup(id: string): Promise<GroupDto> {
    const g = await this.groups.find(id);
    if (!g) throw AppError.notFound('group not found');
    return GroupDto.of(g);
  }

  async deleteGroup(actorId: string, id: string): Promise<void> {
    const g = await this.showGroup(id);
    await this.groups.delete(id);
    await this.audit.record({
      actorId,
      action: 'group.delete',
      targetType: 'group',
      targetId: id,
      details: { name: g.name, members: g.members.length },
    });
  }

  async queues(): Promise<Record<QueueName, JobCounts>> {
    const counts = await Promise.all(QUEUE_NAMES.map((q) => this.queue.counts(q)));
    return Object.fromEntries(QUEUE_NAMES.map((q, i) => [q, counts[i]])) as Record<QueueName, JobCounts>;
  }

  failedJobs(queue: string, limit = 50): Promise<FailedJob<QueueName>[]> {
    return this.queue.failed(this.queueName(queue), limit);
  }

  async retryJob(actorId: string, queue: string, jobId: string): Promise<void> {
    if (!(await this.queue.retryFailed(this.queueName(queue), jobId)))
      throw AppError.notFound('no such failed job');
    await this.audit.record({
      actorId,
      action: 'job.retry',
      targetType: 'job',
      targetId: `${queue}/${jobId}`,
    });
  }

  /** The chat nodes discovery sees as healthy, with the load each last reported. */
  async chatNodes(): Promise<
    { id: string; url: string; connections: number; capacity: number; health: 'passing' }[]
  > {
    return (await this.registry.healthyNodes()).map((n) => ({ ...n, health: 'passing' as const }));
  }

  async stats(): Promise<{
    onlineUsers: number;
    connections: number;
    messagesPerSecond: number;
    readMarkersPerSecond: number;
    chatNodes: number;
  }> {
    const [onlineUsers, messagesPerSecond, readMarkersPerSecond, nodes] = await Promise.all([
      this.presence.onlineCount(),
      this.rate.perSecond(),
      this.reads.perSecond(),
      this.registry.healthyNodes(),
    ]);
    return {
      onlineUsers,
      connections: nodes.reduce((a, n) => a + n.connections, 0),
      messagesPerSecond,
      readMarkersPerSecond,
      chatNodes: nodes.length,
    };
  }

  async announce(actorId: string, text: string): Promise<{ at: string }> {
    const at = new Date().toISOString();
    this.realtime.broadcast('system:announcement', { text, at });
    await this.audit.record({
      actorId,
      action: 'announcement',
      targetType: 'all',
      targetId: '*',
      details: { length: text.length },
    });
    return { at };
  }

  private queueName(q: string): QueueName {
    if (!(QUEUE_NAMES as readonly string[]).includes(q)) throw AppError.notFound(`no queue named ${q}`);
    return q as QueueName;
  }
}
