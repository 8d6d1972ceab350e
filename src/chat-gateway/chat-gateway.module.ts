import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { PresenceModule } from '../presence/presence.module';
import { ChatDrain } from './chat-drain.service';
import { ChatGateway } from './chat.gateway';
import { redisOrEmbedded } from '../redis/redis-or-embedded';
import { InMemorySendRateLimiter, RedisSendRateLimiter, SendRateLimiter } from './send-rate-limiter';
import { InMemorySocketQuota, RedisSocketQuota, SocketQuota } from './socket-quota';

/** The chat role: the Socket.IO gateway. The send path itself lives in MessagingModule. */
@Module({
  imports: [FriendsModule, PresenceModule],
  providers: [
    ChatGateway,
    ChatDrain,
    // Per user across every chat node when distributed (DESIGN.md section 7), in memory when embedded.
    redisOrEmbedded(
      SendRateLimiter,
      'the distributed send rate limit',
      (config) => new InMemorySendRateLimiter(config),
      (config, redis) => new RedisSendRateLimiter(config, redis),
    ),
    // MAX_SOCKETS_PER_USER across every chat node when distributed, in memory when embedded.
    redisOrEmbedded(
      SocketQuota,
      'the per-user socket limit',
      (config) => new InMemorySocketQuota(config),
      (config, redis) => new RedisSocketQuota(config, redis),
    ),
  ],
})
export class ChatGatewayModule {}
