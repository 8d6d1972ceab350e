import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { BullmqJobQueue, BullmqJobQueueOptions } from './bullmq-job-queue';
import { InMemoryJobQueue } from './in-memory-job-queue';
import type { QueueName } from './job-catalogue';
import { JobQueue } from './job-queue';

export interface QueueModuleOptions extends Omit<BullmqJobQueueOptions, 'requiredProcessors'> {
  /** Queues a `worker` process must consume; start-up fails if one has no processor. Ignored in other roles. */
  requiredProcessors: readonly QueueName[];
}

/**
 * Starts consuming once every module's onModuleInit has registered its processors, and shuts down in two
 * steps: workers finish their active jobs while every other service is still up (before shutdown), and
 * producers are released last, after the HTTP and Socket.IO servers stopped taking requests.
 */
@Injectable()
class JobQueueLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(private readonly queue: JobQueue) {}

  onApplicationBootstrap(): Promise<void> {
    return this.queue.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.queue.stopProcessing();
  }

  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}

/** Binds the JobQueue port on the topology's queue: BullMQ (RedisModule is loaded then) or in memory. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, options: QueueModuleOptions): DynamicModule {
    const adapterOptions: BullmqJobQueueOptions = {
      ...options,
      requiredProcessors: config.hasRole('worker') ? options.requiredProcessors : [],
    };
    const jobQueue: Provider =
      config.topology.queue === 'bullmq'
        ? {
            provide: JobQueue,
            useFactory: (redis: RedisService) => new BullmqJobQueue(redis, adapterOptions),
            inject: [RedisService],
          }
        : { provide: JobQueue, useFactory: () => new InMemoryJobQueue(adapterOptions) };
    return { module: QueueModule, providers: [jobQueue, JobQueueLifecycle], exports: [JobQueue] };
  }
}
