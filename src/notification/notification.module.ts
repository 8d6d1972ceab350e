import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DEVICES_OPTIONS, DevicesOptions } from '../devices/devices.options';
import { RedisService } from '../redis/redis.service';
import { InMemoryPushCollapseGate } from './collapse/in-memory-push-collapse-gate';
import { PushCollapseGate } from './collapse/push-collapse-gate';
import { RedisPushCollapseGate } from './collapse/redis-push-collapse-gate';
import { NOTIFICATION_OPTIONS, notificationOptions, NotificationOverrides } from './notification.options';
import { PushProviders } from './providers/push-providers';
import { PushDispatcher } from './push-dispatcher';
import { OfflinePush } from './offline-push.service';
import { AfterDelivery } from '../messaging/after-delivery';
import { PushMetrics } from './push-metrics';

/**
 * Push for every role (global): PushDispatcher (the send path and the group fan-out enqueue with it),
 * the platform providers and the options. The consumer is NotificationWorkerModule (worker role only).
 */
@Module({})
export class NotificationModule {
  static forRoot(config: AppConfig, overrides: NotificationOverrides = {}): DynamicModule {
    const options = notificationOptions(config, overrides);
    const devicesOptions: DevicesOptions = {
      maxDevicesPerUser: options.maxDevicesPerUser,
      allowLoopbackHttp: options.allowLoopbackHttp,
      webPushPublicKey: options.vapid?.publicKey,
    };
    // The collapse gate must be shared by every process that enqueues: Redis when there are several.
    const gate: Provider =
      config.topology.sharedState === 'redis'
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
        { provide: DEVICES_OPTIONS, useValue: devicesOptions },
        gate,
        PushProviders,
        PushMetrics,
        PushDispatcher,
        { provide: AfterDelivery, useClass: OfflinePush },
      ],
      exports: [
        NOTIFICATION_OPTIONS,
        DEVICES_OPTIONS,
        PushProviders,
        PushMetrics,
        PushDispatcher,
        AfterDelivery,
      ],
    };
  }
}
