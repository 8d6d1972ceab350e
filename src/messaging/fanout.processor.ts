import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { JobQueue } from '../queue/job-queue';
import { waitOutOutages } from '../queue/wait-out-outages';
import { GroupFanoutService } from './group-fanout.service';

/** Worker role: consumes the `fanout` queue. Thin: one call into the fan-out service per job. */
@Injectable()
export class FanoutProcessor implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly fanout: GroupFanoutService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.queue.registerProcessor(
      'fanout',
      this.metrics.timed(
        'fanout',
        waitOutOutages<'fanout'>((job) =>
          this.fanout.fanoutById(job.channelId, job.messageId, job.exceptSocketId),
        ),
      ),
      { concurrency: 16 },
    );
  }
}
