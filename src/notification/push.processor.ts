import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../queue/job-queue';
import { waitOutOutages } from '../queue/wait-out-outages';
import { PushProviders } from './providers/push-providers';
import { SendPushService } from './send-push.service';

/** Worker role: consumes the `push` queue. Thin: one call into SendPushService per job. */
@Injectable()
export class PushProcessor implements OnModuleInit {
  private readonly logger = new Logger(PushProcessor.name);

  constructor(
    private readonly queue: JobQueue,
    private readonly sendPush: SendPushService,
    private readonly providers: PushProviders,
  ) {}

  onModuleInit(): void {
    // Push jobs wait on remote services, not on this process: many can be in flight at once.
    this.queue.registerProcessor(
      'push',
      waitOutOutages((job, meta) => this.sendPush.run(job, meta)),
      { concurrency: 32 },
    );
    const p = this.providers.describe();
    this.logger.log(`push providers: web=${p.web}, fcm=${p.fcm}, apns=${p.apns}`);
  }
}
