import { snowflakeAt, snowflakeTime } from '../ids/snowflake';
import type { JobPayload, QueueName } from '../queue/job-catalogue';
import { AddJobOptions, FailedJob, JobCounts, JobQueue } from '../queue/job-queue';
import { InMemoryPushCollapseGate } from './collapse/in-memory-push-collapse-gate';
import { NotificationOptions } from './notification.options';
import { PushDispatcher } from './push-dispatcher';

/** Records what is enqueued; the dispatcher only produces. */
class RecordingQueue extends JobQueue {
  readonly added: { queue: QueueName; payload: unknown; opts: AddJobOptions }[] = [];
  failNext = false;

  async add<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, opts: AddJobOptions): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('redis is down');
    }
    this.added.push({ queue, payload, opts });
  }
  registerProcessor(): void {}
  async counts(): Promise<JobCounts> {
    return { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
  }
  async failed<Q extends QueueName>(): Promise<FailedJob<Q>[]> {
    return [];
  }
  async retryFailed(): Promise<boolean> {
    return false;
  }
  async start(): Promise<void> {}
  async stopProcessing(): Promise<void> {}
  async close(): Promise<void> {}
}

const WINDOW = 2_000;
const options = { collapseWindowMs: WINDOW, collapseSettleMs: 250 } as NotificationOptions;

describe('PushDispatcher: collapsing', () => {
  let now: number;
  let queue: RecordingQueue;
  let dispatcher: PushDispatcher;
  let seq = 0;
  /** A message id issued at the current fake time. */
  const msg = (channelId = 'dm:a:b', senderId = 'a') => ({
    id: (snowflakeAt(now) + BigInt(++seq)).toString(),
    channelId,
    senderId,
  });

  beforeEach(() => {
    now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    queue = new RecordingQueue();
    dispatcher = new PushDispatcher(queue, new InMemoryPushCollapseGate(() => now), options);
  });
  afterEach(() => jest.restoreAllMocks());

  it('enqueues one delayed job for a burst to the same user in the same channel', async () => {
    const first = msg();
    await dispatcher.notifyOffline(['b'], first, 'corr-1');
    for (let i = 0; i < 4; i++) {
      now += 300;
      await dispatcher.notifyOffline(['b'], msg());
    }
    expect(queue.added).toHaveLength(1);
    expect(queue.added[0]).toEqual({
      queue: 'push',
      payload: {
        userId: 'b',
        channelId: 'dm:a:b',
        messageId: first.id,
        windowEndMs: snowflakeTime(first.id) + WINDOW,
        correlationId: 'corr-1',
      },
      opts: { jobId: `push:b:dm:a:b:${first.id}`, delayMs: WINDOW + 250 },
    });
  });

  it('anchors the window on the first message, so a burst never splits in two', async () => {
    await dispatcher.notifyOffline(['b'], msg());
    now += WINDOW - 1;
    await dispatcher.notifyOffline(['b'], msg());
    expect(queue.added).toHaveLength(1);
    now += 1;
    await dispatcher.notifyOffline(['b'], msg());
    expect(queue.added).toHaveLength(2);
  });

  it('keeps windows apart per user and per channel, and never notifies the sender', async () => {
    await dispatcher.notifyOffline(['b', 'c', 'a', 'b'], msg('g1', 'a'));
    await dispatcher.notifyOffline(['b'], msg('g2', 'a'));
    const jobs = queue.added.map((j) => j.payload as { userId: string; channelId: string });
    expect(jobs.map((j) => `${j.userId}@${j.channelId}`).sort()).toEqual(['b@g1', 'b@g2', 'c@g1']);
  });

  it('closes the window again when the job cannot be enqueued, so the next message retries', async () => {
    queue.failNext = true;
    await expect(dispatcher.notifyOffline(['b'], msg())).rejects.toThrow('redis is down');
    await dispatcher.notifyOffline(['b'], msg());
    expect(queue.added).toHaveLength(1);
  });

  it('enqueues a job per message when the window is 0', async () => {
    const d = new PushDispatcher(queue, new InMemoryPushCollapseGate(() => now), {
      collapseWindowMs: 0,
      collapseSettleMs: 0,
    } as NotificationOptions);
    await d.notifyOffline(['b'], msg());
    await d.notifyOffline(['b'], msg());
    expect(queue.added).toHaveLength(2);
  });
});
