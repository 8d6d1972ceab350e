import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { QUEUE_NAMES } from '../queue/job-catalogue';
import { JobQueue } from '../queue/job-queue';
import { MetricsService } from './metrics.service';

/** Gauges read from the queue when Prometheus scrapes: jobs per queue and state. */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(metrics: MetricsService, queue: JobQueue) {
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
  }
}
