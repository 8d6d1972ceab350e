import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MessageRate } from './message-rate';
import { MetricsService } from './metrics.service';
import { OpsMetrics } from './ops-metrics';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MessageRate, OpsMetrics],
  exports: [MetricsService, MessageRate],
})
export class MetricsModule {}
