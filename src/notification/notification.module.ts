import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { InMemoryPushCollapseGate } from './collapse/in-memory-push-collapse-gate';
import { PushCollapseGate } from './collapse/push-collapse-gate';
import { RedisPushCollapseGate } from './collapse/redis-push-collapse-gate';
import { NOTIFICATION_OPTIONS, notificationOptions, NotificationOverrides } from './notification.options';
import { PushProviders } from './providers/push-providers';
import { PushDispatcher } from './push-dispatcher';
import { PushMetrics } from './push-metrics';

/**
 * Push for every role (global): PushDispatcher (the send path and the group fan-out enqueue with it),
 * the platform providers and the options. The consumer is NotificationWorkerModule (worker role only).
 */
@Module({})
export class NotificationModule {
  static forRoot(config: AppConfig, overrides: NotificationOverrides = {}): DynamicModule {
    const options = notificationOptions(config, overrides);
    // The collapse gate must be shared by every process that enqueues: Redis when there are several.
    const gate: Provider = config.redisUrl
      ? {
          provide: PushCollapseGate,
          useFactory: (redis: RedisService) => new RedisPushCollapseGate(redis.client),
          inject: [RedisService],
        }
      : { provide: PushCollapseGate, useFactory: () => new InMemoryPushCollapseGate() };
    return {
      module: NotificationModule,
      global: true,
      providers: [
        { provide: NOTIFICATION_OPTIONS, useValue: options },
        gate,
        PushProviders,
        PushMetrics,
        PushDispatcher,
      ],
      exports: [NOTIFICATION_OPTIONS, PushProviders, PushMetrics, PushDispatcher],
    };
  }
}
