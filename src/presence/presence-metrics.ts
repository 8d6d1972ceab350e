import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { PresenceStore } from './presence.store';

/** `chat_users_online`, read from the presence store (every node's users) when Prometheus scrapes. */
@Injectable()
export class PresenceMetrics {
  private readonly logger = new Logger(PresenceMetrics.name);

  constructor(metrics: MetricsService, presence: PresenceStore) {
    const logger = this.logger;
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
