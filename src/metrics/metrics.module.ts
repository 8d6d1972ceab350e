import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MessageRate, ReadRate } from './message-rate';
import { MetricsService } from './metrics.service';
import { QueueMetrics } from './queue-metrics';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MessageRate, ReadRate],
  exports: [MetricsService, MessageRate, ReadRate],
})
export class MetricsModule {}

/** Queue depth gauges; loaded by the root module after the queue. */
@Module({ providers: [QueueMetrics] })
export class QueueMetricsModule {}
