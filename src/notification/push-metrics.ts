import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import type { PushResult } from './providers/push-provider';

/** Push counters on the process's registry (served at /metrics). */
@Injectable()
export class PushMetrics {
  /** One per device and attempt, by platform, provider and result (ok, gone, retry, failed). */
  readonly deliveries: Counter<'platform' | 'provider' | 'result'>;
  /** Jobs that sent nothing, by reason (online, nothing_new, no_devices). */
  readonly skipped: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    this.deliveries = new Counter({
      name: 'chat_push_deliveries_total',
      help: 'Push notifications handed to a push service, by platform and result',
      labelNames: ['platform', 'provider', 'result'],
      registers: [metrics.registry],
    });
    this.skipped = new Counter({
      name: 'chat_push_skipped_total',
      help: 'Push jobs that sent nothing, by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  delivered(platform: string, provider: string, result: PushResult): void {
    this.deliveries.inc({ platform, provider, result });
  }
}
