import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MessageRate } from './message-rate';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MessageRate],
  exports: [MetricsService, MessageRate],
})
export class MetricsModule {}
