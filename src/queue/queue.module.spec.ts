import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '../config/app-config';
import type { FanoutJob } from './job-catalogue';
import { JobQueue } from './job-queue';
import { QueueModule } from './queue.module';

// ROLES defaults to `all`, which includes `worker`; no REDIS_URL, so the in-process adapter is bound.
const config = loadConfig({ JWT_SECRET: 'queue-module-spec-secret-0123456789abcdef', LOG_LEVEL: 'error' });

const processed: FanoutJob[] = [];
let onProcessed: () => void = () => undefined;

@Injectable()
class FanoutConsumer implements OnModuleInit {
  constructor(private readonly queue: JobQueue) {}
  onModuleInit(): void {
    this.queue.registerProcessor('fanout', async (job) => {
      processed.push(job);
      onProcessed();
    });
  }
}

@Module({ providers: [FanoutConsumer] })
class ConsumerModule {}

describe('QueueModule', () => {
  it('starts consuming after the processors registered in onModuleInit, and closes with the app', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot(config, { requiredProcessors: ['fanout'] }), ConsumerModule],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    const queue = app.get(JobQueue);
    const ran = new Promise<void>((resolve) => (onProcessed = resolve));
    await queue.add('fanout', { messageId: '1', channelId: 'g', senderId: 'u' }, { jobId: 'm1' });
    await ran;
    expect(processed).toEqual([{ messageId: '1', channelId: 'g', senderId: 'u' }]);
    await app.close();
    await expect(queue.add('fanout', processed[0], { jobId: 'm2' })).rejects.toThrow(/closed/);
  });

  it('fails start-up in a worker role when a required queue has no processor', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot(config, { requiredProcessors: ['fanout', 'push'] }), ConsumerModule],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(/no processor registered for "push"/);
    await app.close();
  });
});
