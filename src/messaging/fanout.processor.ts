import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { FanoutJob } from '../queue/job-catalogue';
import { JobMeta, JobQueue } from '../queue/job-queue';
import { waitOutOutages } from '../queue/wait-out-outages';
import { GroupFanoutService } from './group-fanout.service';

/** Worker role: consumes the `fanout` queue. Thin: one call into the fan-out service per job. */
@Injectable()
export class FanoutProcessor implements OnModuleInit {
  private readonly logger = new Logger(FanoutProcessor.name);
  private readonly fanOut = waitOutOutages<'fanout'>((job) => this.fanout.fanoutById(job));

  constructor(
    private readonly queue: JobQueue,
    private readonly fanout: GroupFanoutService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.queue.registerProcessor(
      'fanout',
      this.metrics.timed('fanout', (job, meta) => this.run(job, meta)),
      { concurrency: 16 },
    );
  }

  /** Its log lines name the job and the send it came from (the correlation id), never the content. */
  private async run(job: FanoutJob, meta: JobMeta): Promise<void> {
    const ctx = { jobId: meta.jobId, attempt: meta.attempt, correlationId: job.correlationId };
    try {
      await this.fanOut(job, meta);
      this.logger.debug(ctx, 'group fan-out done');
    } catch (e) {
      this.logger.warn({ ...ctx, err: e }, 'group fan-out failed');
      throw e;
    }
  }
}
