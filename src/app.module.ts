import { DynamicModule, Module, Type } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthHttpModule } from './auth/auth-http.module';
import { AuthModule } from './auth/auth.module';
import { ChatGatewayModule } from './chat-gateway/chat-gateway.module';
import { AppLoggerModule } from './common/logger.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FriendsHttpModule } from './friends/friends-http.module';
import { HealthModule } from './health/health.module';
import { IdsModule } from './ids/ids.module';
import { MessagingHttpModule } from './messaging/messaging-http.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
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
      DatabaseModule.forRoot(config),
      ...(config.redisUrl ? [RedisModule] : []),
      IdsModule.forRoot(config),
      MetricsModule,
      HealthModule,
      AuthModule.forRoot(config),
      MessagingModule.forRoot(config),
      ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: config.authRateLimitPerMinute }] }),
    ];
    if (config.hasRole('api'))
      imports.push(AuthHttpModule, UsersHttpModule, FriendsHttpModule, MessagingHttpModule);
    if (config.hasRole('chat')) imports.push(ChatGatewayModule.forRoot(config));
    return { module: AppModule, imports };
  }
}
