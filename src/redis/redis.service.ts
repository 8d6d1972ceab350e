import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * Owns the process's Redis connections. Repositories and adapters use `client` for commands and
 * `duplicate()` for connections that block or subscribe; nothing else creates Redis connections.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(config: AppConfig) {
    if (!config.redisUrl) throw new Error('RedisService needs REDIS_URL');
    this.client = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 3,
      enableAutoPipelining: true,
      lazyConnect: false,
    });
    this.client.on('error', (e: Error) => this.logger.warn(`redis: ${e.message}`));
  }

  duplicate(): Redis {
    const c = this.client.duplicate();
    c.on('error', (e: Error) => this.logger.warn(`redis (dup): ${e.message}`));
    this.extra.push(c);
    return c;
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()) === 'PONG';
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, ...this.extra].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
