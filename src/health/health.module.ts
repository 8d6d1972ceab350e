import { BeforeApplicationShutdown, Global, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import { HealthController } from './health.controller';
import { Readiness } from '../common/readiness';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [Readiness],
  exports: [Readiness],
})
export class HealthModule implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly readiness: Readiness,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const ds = this.moduleRef.get(DataSource, { strict: false });
    this.readiness.register('database', async () => {
      await ds.query('SELECT 1');
      return { driver: ds.options.type };
    });
    const redis = this.tryGet(RedisService);
    if (redis) {
      this.readiness.register('redis', async () => {
        if (!(await redis.ping())) throw new Error('redis did not answer PONG');
      });
    }
  }

  beforeApplicationShutdown(): void {
    this.readiness.stopping();
  }

  private tryGet<T>(token: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
