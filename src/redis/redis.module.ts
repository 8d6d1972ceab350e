import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';

/** Loaded only when REDIS_URL is set; distributed adapters depend on it. */
@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
