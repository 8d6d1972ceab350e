import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue';
import { GroupFanoutService } from './group-fanout.service';

/** Worker role: consumes the `fanout` queue. Thin: one call into the fan-out service per job. */
@Injectable()
export class FanoutProcessor implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly fanout: GroupFanoutService,
  ) {}

  onModuleInit(): void {
    this.queue.registerProcessor(
      'fanout',
      (job) => this.fanout.fanoutById(job.channelId, job.messageId, job.exceptSocketId),
      { concurrency: 16 },
    );
  }
}
