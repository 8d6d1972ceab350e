import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { PresenceModule } from '../presence/presence-features.module';
import { UsersModule } from '../users/users.module';
import { ChatDrain } from './chat-drain.service';
import { ChatGateway } from './chat.gateway';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { LocalSendRateLimiter, RedisSendRateLimiter, SendRateLimiter } from './send-rate-limiter';
import { InMemorySocketQuota, RedisSocketQuota, SocketQuota } from './socket-quota';

/** The chat role: the Socket.IO gateway. The send path itself lives in MessagingModule. */
@Module({
  imports: [UsersModule, FriendsModule, PresenceModule],
  providers: [
    ChatGateway,
    ChatDrain,
    {
      // Per user across every chat node when distributed (DESIGN.md section 7), in memory when embedded.
      provide: SendRateLimiter,
      inject: [AppConfig, { token: RedisService, optional: true }],
      useFactory: (config: AppConfig, redis?: RedisService) => {
        if (!config.redisUrl) return new LocalSendRateLimiter(config);
        if (!redis) throw new Error('the distributed send rate limit needs RedisService');
        return new RedisSendRateLimiter(config, redis);
      },
    },
    {
      // MAX_SOCKETS_PER_USER across every chat node when distributed, in memory when embedded.
      provide: SocketQuota,
      inject: [AppConfig, { token: RedisService, optional: true }],
      useFactory: (config: AppConfig, redis?: RedisService) => {
        if (!config.redisUrl) return new InMemorySocketQuota(config);
        if (!redis) throw new Error('the per-user socket limit needs RedisService');
        return new RedisSocketQuota(config, redis);
      },
    },
  ],
})
export class ChatGatewayModule {}
