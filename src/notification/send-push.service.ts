import { Inject, Injectable, Logger } from '@nestjs/common';
import { Device, DevicesRepository } from '../devices/devices.repository';
import { snowflakeTime } from '../ids/snowflake';
import type { PushJob } from '../queue/job-catalogue';
import { JobMeta, JobQueue } from '../queue/job-queue';
import { UsersRepository } from '../users/users.repository';
import { NOTIFICATION_OPTIONS, NotificationOptions } from './notification.options';
import { buildPushPayload, PushPayload } from './push-payload';
import { PushMetrics } from './push-metrics';
import { PushRelevance } from './push-relevance';
import { PushWindowReader } from './push-window.reader';
import { outcomeOfError, PushResult } from './providers/push-provider';
import { PushProviders } from './providers/push-providers';

/** Wait before a follow-up job retries the devices whose push service asked for a retry. */
const FOLLOW_UP_DELAY_MS = 1_000;

/**
 * Runs one push job: skip it if the user is back online (or has read the channel), sum up the collapse
 * window, and send one notification to each of the user's devices. Gone addresses are deleted. When every
 * device asks for a retry the job throws, so the queue retries it with backoff; when only some do, the
 * others already have the notification, so each one to retry gets a follow-up job of its own instead.
 */
@Injectable()
export class SendPushService {
  private readonly logger = new Logger(SendPushService.name);

  constructor(
    private readonly relevance: PushRelevance,
    private readonly window: PushWindowReader,
    private readonly devices: DevicesRepository,
    private readonly users: UsersRepository,
    private readonly providers: PushProviders,
    private readonly metrics: PushMetrics,
    private readonly queue: JobQueue,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  async run(job: PushJob, meta: JobMeta): Promise<void> {
    const ctx = `push job ${meta.jobId}${job.correlationId ? ` (${job.correlationId})` : ''}`;
    if (await this.relevance.isOnline(job.userId)) return this.skip('online');
    const windowEndMs = job.windowEndMs ?? snowflakeTime(job.messageId) + this.options.collapseWindowMs;
    // Only what the user has not read on any device counts (a read since the job was queued drops it).
    const readUpTo = await this.relevance.readUpTo(job.userId, job.channelId);
    const summary = await this.window.summarize(
      job.userId,
      job.channelId,
      job.messageId,
      windowEndMs,
      readUpTo,
    );
    if (!summary) {
      const read = readUpTo !== null && BigInt(readUpTo) >= BigInt(job.messageId);
      return this.skip(read ? 'read' : 'nothing_new');
    }
    const devices = await this.devicesOf(job);
    if (!devices.length) return this.skip('no_devices');

    const [sender, badge] = await Promise.all([
      this.users.findById(summary.latest.senderId),
      this.relevance.badge(job.userId),
    ]);
    const payload = buildPushPayload(summary, sender?.displayName ?? 'Someone', this.options, badge);
    const results = await Promise.all(devices.map((d) => this.deliver(d, payload, ctx)));
    const retry = devices.filter((_, i) => results[i] === 'retry');
    if (!retry.length) return;
    if (retry.length === devices.length)
      throw new Error(`${ctx}: the push service asked to retry (${retry.length} device(s))`);
    await Promise.all(
      retry.map((d) =>
        this.queue.add(
          'push',
          { ...job, windowEndMs, deviceId: d.deviceId },
          { jobId: `${meta.jobId}:device:${d.deviceId}`, delayMs: FOLLOW_UP_DELAY_MS },
        ),
      ),
    );
  }

  private async devicesOf(job: PushJob): Promise<Device[]> {
    if (job.deviceId === undefined) return this.devices.listForUser(job.userId);
    const one = await this.devices.find(job.userId, job.deviceId);
    return one ? [one] : [];
  }

  /** Sends to one device and acts on the answer. Logs carry ids and the service's reason, no payload. */
  private async deliver(device: Device, payload: PushPayload, ctx: string): Promise<PushResult> {
    const provider = this.providers.for(device.platform);
    const outcome = await provider.send(device, payload).catch(outcomeOfError);
    this.metrics.delivered(device.platform, provider.name, outcome.result);
    const who = `${provider.name} device ${device.deviceId} of user ${device.userId}`;
    switch (outcome.result) {
      case 'gone':
        await this.devices.removeIfUnchanged(device);
        this.logger.log(`${ctx}: ${who} is gone (${outcome.detail}); deleted it`);
        break;
      case 'retry':
        this.logger.warn(`${ctx}: ${who}: ${outcome.detail}; will retry`);
        break;
      case 'failed':
        this.logger.warn(`${ctx}: ${who} failed: ${outcome.detail}`);
        break;
    }
    return outcome.result;
  }

  private skip(reason: 'online' | 'nothing_new' | 'read' | 'no_devices'): void {
    this.metrics.skipped.inc({ reason });
  }
}
