import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MessageRate } from './message-rate';
import { MetricsService } from './metrics.service';
import { OpsMetrics } from './ops-metrics';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MessageRate],
  exports: [MetricsService, MessageRate],
})
export class MetricsModule {}

/** Gauges over the shared stores (queue depths, users online); loaded by the root module after them. */
@Module({ providers: [OpsMetrics] })
export class OpsMetricsModule {}
