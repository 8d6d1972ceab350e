import type { FactoryProvider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from './redis.service';

/**
 * A port whose state is shared through Redis when REDIS_URL is set and kept in process memory otherwise (the
 * send rate limit, the per-user socket quota, the per-account login throttle). The choice follows the topology's
 * shared state, like every adapter's; a distributed process without RedisService is a wiring error, said at start-up.
 */
export function redisOrEmbedded<T>(
  port: abstract new (...args: never[]) => T,
  what: string,
  embedded: (config: AppConfig) => T,
  distributed: (config: AppConfig, redis: RedisService) => T,
): FactoryProvider<T> {
  return {
    provide: port,
    inject: [AppConfig, { token: RedisService, optional: true }],
    useFactory: (config: AppConfig, redis?: RedisService) => {
      if (config.topology.sharedState === 'memory') return embedded(config);
      if (!redis) throw new Error(`${what} needs RedisService`);
      return distributed(config, redis);
    },
  };
}
