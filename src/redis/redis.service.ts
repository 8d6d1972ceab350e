import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { dependencies } from '../common/dependency-state';
import { storeOutage } from '../common/store-outage';
import { AppConfig } from '../config/app-config';

/**
 * How long ioredis waits between reconnection attempts: short and constant after the first few, so service
 * resumes within half a second of Redis coming back (the default grows to 2 s). A command issued while
 * Redis is down waits in the offline queue for at most (maxRetriesPerRequest + 1) attempts, about 1.6 s,
 * then fails with MaxRetriesPerRequestError, which callers answer `unavailable`.
 */
export const REDIS_RETRY_DELAY_MS = 400;
const redisRetryStrategy = (times: number): number => Math.min(times * 100, REDIS_RETRY_DELAY_MS);
const SOCKET_ERROR = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;

/** An error of a Redis connection (or of BullMQ over one) that means Redis cannot be reached. */
export function isRedisOutage(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' && SOCKET_ERROR.test(code)) || storeOutage(e) === 'redis';
}

/**
 * Feeds a connection's events to the dependency-state tracker: its connection errors (one per reconnection
 * attempt) mark Redis down, logged once per outage; 'ready' marks it back. Other errors are logged as they come.
 */
export function watchRedisConnection(conn: Redis, logger: Logger, label: string): void {
  conn.on('error', (e: Error) => {
    if (isRedisOutage(e)) dependencies.down('redis', e);
    else logger.warn(`${label}: ${e.message}`);
  });
  conn.on('ready', () => dependencies.up('redis'));
}

/**
 * Socket.IO's Redis adapter and emitter publish fire-and-forget: a publish that fails while Redis is down
 * would be an unhandled rejection, which ends the process. Every connection's `publish` reports such a
 * failure to the tracker instead (a caller that awaits it still gets the rejection). What such a lost
 * publish carried is caught up by sync (`sync:required`, PubSubLinkWatch).
 */
function reportFailedPublishes(conn: Redis): void {
  const publish = conn.publish.bind(conn) as (...args: unknown[]) => Promise<number>;
  conn.publish = ((...args: unknown[]) => {
    const sent = publish(...args);
    sent.catch((e: unknown) => dependencies.report(e));
    return sent;
  }) as Redis['publish'];
}

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
      retryStrategy: redisRetryStrategy,
      enableAutoPipelining: true,
      lazyConnect: false,
    });
    watchRedisConnection(this.client, this.logger, 'redis');
    reportFailedPublishes(this.client);
  }

  duplicate(): Redis {
    const c = this.client.duplicate();
    watchRedisConnection(c, this.logger, 'redis (dup)');
    reportFailedPublishes(c);
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
