import { AdminHttpModule } from './admin/admin.module';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthHttpModule } from './auth/auth-http.module';
import { AuthModule } from './auth/auth.module';
import { ChatGatewayModule } from './chat-gateway/chat-gateway.module';
import { AppLoggerModule } from './common/logger.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { DiscoveryHttpModule } from './discovery/discovery-http.module';
import { DiscoveryRegistrationModule } from './discovery/discovery-registration.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { FriendsHttpModule } from './friends/friends-http.module';
import { GroupsHttpModule } from './groups/groups-http.module';
import { HealthModule } from './health/health.module';
import { IdsModule } from './ids/ids.module';
import { MessagingHttpModule } from './messaging/messaging-http.module';
import { MessagingWorkerModule } from './messaging/messaging-worker.module';
import { MessagingModule } from './messaging/messaging.module';
import { FaultInjectionModule } from './fault-injection/fault-injection.module';
import { PresenceRoleModule } from './presence/presence-role.module';
import { PresenceStoreModule } from './presence/presence-store.module';
import { DevicesHttpModule } from './devices/devices-http.module';
import { NotificationWorkerModule } from './notification/notification-worker.module';
import { NotificationModule } from './notification/notification.module';
import { notificationOverridesFrom } from './notification/notification.options';
import { QUEUE_NAMES } from './queue/job-catalogue';
import { QueueModule } from './queue/queue.module';
import { RealtimeModule } from './realtime/realtime.module';
import { MetricsModule, QueueMetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { RedisService } from './redis/redis.service';
import { RedisThrottlerStorage } from './auth/redis-throttler.storage';
import { UsersHttpModule } from './users/users-http.module';

/**
 * The one composition root. Shared infrastructure is always loaded; each role adds its transport modules,
 * so an `api` process opens no WebSocket server and a `worker` process consumes jobs but serves only health.
 */
@Module({})
export class AppModule {
  static forRoles(config: AppConfig): DynamicModule {
    const imports: (Type | DynamicModule)[] = [
      ConfigModule.forRoot(config),
      AppLoggerModule.forRoot(config),
      DatabaseModule.forRoot(config, ENTITIES),
      ConversationsModule.forRoot(config),
      ...(config.topology.sharedState === 'redis' ? [RedisModule] : []),
      IdsModule.forRoot(config),
      // Any role may enqueue; only the worker role (or all) consumes, and it must consume every queue.
      QueueModule.forRoot(config, {
        requiredProcessors: ['fanout', 'push'],
        lockDurationMs: config.jobs.lockMs,
        stalledIntervalMs: config.jobs.stalledIntervalMs,
        retry: Object.fromEntries(
          QUEUE_NAMES.map((q) => [q, { attempts: config.jobs.attempts, backoffMs: config.jobs.backoffMs }]),
        ),
      }),
      NotificationModule.forRoot(config, notificationOverridesFrom(config)),
      RealtimeModule.forRoot(config),
      QueueMetricsModule,
      PresenceStoreModule.forRoot(config),
      MetricsModule,
      HealthModule,
      AuthModule.forRoot(config),
      // The e2e and fault tests' faults (CHAT_TEST_HOOKS=1) sit in front of messaging's stores, never inside them.
      config.testHooks
        ? FaultInjectionModule.wrapping(MessagingModule.forRoot(config))
        : MessagingModule.forRoot(config),
      DiscoveryModule.forRoot(config, {
        capacity: config.discovery.capacity,
        ttlSeconds: config.discovery.ttlSeconds,
      }),
      ThrottlerModule.forRootAsync({
        inject: [{ token: RedisService, optional: true }],
        // Per client address; in Redis when distributed, so every api process counts against one limit.
        useFactory: (redis?: RedisService) => {
          if (config.topology.sharedState === 'redis' && !redis)
            throw new Error('the shared auth rate limit needs RedisService');
          return {
            throttlers: [{ ttl: 60_000, limit: config.authRateLimitPerMinute }],
            storage: redis && new RedisThrottlerStorage(redis),
          };
        },
      }),
    ];
    if (config.hasRole('api')) {
      imports.push(
        AuthHttpModule,
        UsersHttpModule,
        FriendsHttpModule,
        GroupsHttpModule,
        MessagingHttpModule,
        DiscoveryHttpModule,
        AdminHttpModule,
        DevicesHttpModule,
      );
    }
    if (config.hasRole('chat')) imports.push(ChatGatewayModule, DiscoveryRegistrationModule);
    if (config.hasRole('presence')) imports.push(PresenceRoleModule);
    if (config.hasRole('worker')) imports.push(MessagingWorkerModule, NotificationWorkerModule);
    return { module: AppModule, imports };
  }
}
