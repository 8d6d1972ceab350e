import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisService } from '../redis/redis.service';
import { DevicePresence } from './device-presence.service';
import { HeartbeatBatcher } from './heartbeat-batcher';
import { InMemoryPresenceStore } from './in-memory-presence.store';
import { PresenceMetrics } from './presence-metrics';
import { PresenceSweeper } from './presence-sweeper';
import { PRESENCE_OPTIONS, PresenceOptions, presenceOptions } from './presence.options';
import { PresenceStore } from './presence.store';
import { RedisPresenceStore } from './redis-presence.store';

/**
 * The presence store (Redis when REDIS_URL is set, else this process's memory) and its helpers, for every
 * role: chat nodes use DevicePresence (or HeartbeatBatcher), api reads `PresenceStore.status`, and the
 * presence role calls `PresenceSweeper.start()`; nothing sweeps until then.
 */
@Module({})
export class PresenceStoreModule {
  static forRoot(config: AppConfig, overrides: Partial<PresenceOptions> = {}): DynamicModule {
    const options = presenceOptions(config, overrides);
    const store: Provider =
      config.topology.sharedState === 'redis'
        ? {
            provide: PresenceStore,
            useFactory: (redis: RedisService) => new RedisPresenceStore(redis.client, options),
            inject: [RedisService],
          }
        : { provide: PresenceStore, useFactory: () => new InMemoryPresenceStore(options) };
    return {
      module: PresenceStoreModule,
      global: true,
      imports: [MetricsModule],
      providers: [
        { provide: PRESENCE_OPTIONS, useValue: options },
        store,
        HeartbeatBatcher,
        PresenceSweeper,
        DevicePresence,
        PresenceMetrics,
      ],
      exports: [PRESENCE_OPTIONS, PresenceStore, HeartbeatBatcher, PresenceSweeper, DevicePresence],
    };
  }
}
