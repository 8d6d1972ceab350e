import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PresenceStore } from '../presence/presence.store';
import { QUEUE_NAMES } from '../queue/job-catalogue';
import { JobQueue } from '../queue/job-queue';
import { MetricsService } from './metrics.service';

/** Gauges read from the shared stores when Prometheus scrapes: queue depths and users online. */
@Injectable()
export class OpsMetrics {
  private readonly logger = new Logger(OpsMetrics.name);

  constructor(metrics: MetricsService, queue: JobQueue, presence: PresenceStore) {
    const logger = this.logger;
    new Gauge({
      name: 'chat_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      async collect() {
        try {
          for (const q of QUEUE_NAMES) {
            const counts = await queue.counts(q);
            for (const [state, n] of Object.entries(counts)) this.set({ queue: q, state }, n);
          }
        } catch (e) {
          logger.warn(`queue depths: ${(e as Error).message}`);
        }
      },
    });
    new Gauge({
      name: 'chat_users_online',
      help: 'Users online (every node; from the presence store)',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await presence.onlineCount());
        } catch (e) {
          logger.warn(`online users: ${(e as Error).message}`);
        }
      },
    });
  }
}
