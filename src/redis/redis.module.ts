import { Global, Module } from '@nestjs/common';
import { RedisEpoch } from './redis-epoch';
import { RedisService } from './redis.service';

/** Loaded only when REDIS_URL is set; distributed adapters depend on it. */
@Global()
@Module({ providers: [RedisService, RedisEpoch], exports: [RedisService, RedisEpoch] })
export class RedisModule {}
