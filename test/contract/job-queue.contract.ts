import type { FanoutJob } from '../../src/queue/job-catalogue';
import type { JobMeta, JobQueue } from '../../src/queue/job-queue';
import type { JobQueueOptions } from '../../src/queue/job-queue-options';

/**
 * The job-queue port's contract. Every adapter (BullMQ, in-process) runs exactly this suite. `open` returns
 * a fresh queue that shares no jobs with any other (its own key prefix on Redis); the suite closes it.
 * Processors report through promises; the only timed waits are bounded ones and the two checks that
 * something does NOT happen for a while (a third job under concurrency 2, close() before the job ends).
 */
export function jobQueueContract(open: (opts: JobQueueOptions) => JobQueue): void {
  const opened: JobQueue[] = [];
  const queue = (opts: JobQueueOptions = {}) => {
    const q = open({ retry: { fanout: { attempts: 3, backoffMs: 20 } }, ...opts });
    opened.push(q);
    return q;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
  });

  it('runs an added job once, with its payload', async () => {
    const q = queue();
    const runs = recorder();
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    const payload = fanout('7300000000000000001', { correlationId: 'req-1' });
    // A snowflake id: a decimal string, which BullMQ would refuse as a raw job id.
    await q.add('fanout', payload, { jobId: '7300000000000000001' });

    expect(await runs.nth(1)).toMatchObject({ payload, meta: { attempt: 1, jobId: '7300000000000000001' } });
    await until(async () => (await q.counts('fanout')).completed === 1, 'the job to complete');
    expect(await q.counts('fanout')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 1 });
    expect(runs.calls).toHaveLength(1);
  });

  it('treats an add with an existing job id as a no-op, while waiting and once completed', async () => {
    const q = queue();
    const runs = recorder();
    q.registerProcessor('fanout', runs.processor);
    const jobId = 'fanout:dm:user-a:user-b';
    await q.add('fanout', fanout('1'), { jobId });
    await q.add('fanout', fanout('2'), { jobId });
    expect(await q.counts('fanout')).toMatchObject({ waiting: 1 });

    await q.start();
    await runs.nth(1);
    await until(async () => (await q.counts('fanout')).completed === 1, 'the job to complete');
    await q.add('fanout', fanout('3'), { jobId });
    // Jobs run in order with concurrency 1: once the sentinel has run, a re-added job would have too.
    await q.add('fanout', fanout('sentinel'), { jobId: 'sentinel' });
    await runs.nth(2);

    expect(runs.calls.map((c) => [c.meta.jobId, c.payload.messageId])).toEqual([
      [jobId, '1'],
      ['sentinel', 'sentinel'],
    ]);
  });

  it('retries a failing job with exponential backoff until an attempt succeeds', async () => {
    const q = queue({ retry: { fanout: { attempts: 5, backoffMs: 100 } } });
    const runs = recorder((meta) => {
      if (meta.attempt < 3) throw new Error(`transient ${meta.attempt}`);
    });
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    await q.add('fanout', fanout('1'), { jobId: 'flaky' });

    await runs.nth(3);
    await until(async () => (await q.counts('fanout')).completed === 1, 'the job to complete');
    expect(runs.calls.map((c) => c.meta.attempt)).toEqual([1, 2, 3]);
    const [t1, t2, t3] = runs.calls.map((c) => c.at);
    // 100 ms after the first failure, 200 ms after the second (a few ms of clock slack).
    expect(t2 - t1).toBeGreaterThanOrEqual(95);
    expect(t3 - t2).toBeGreaterThanOrEqual(195);
    expect(await q.counts('fanout')).toMatchObject({ failed: 0, delayed: 0, completed: 1 });
  });

  it('fails a job after its last attempt, keeps it countable and listed, and retryFailed runs it again', async () => {
    const q = queue();
    let healed = false;
    const runs = recorder((meta) => {
      if (!healed) throw new Error(`boom ${meta.attempt}`);
    });
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    const payload = fanout('42');
    await q.add('fanout', payload, { jobId: 'doomed' });

    await until(async () => (await q.counts('fanout')).failed === 1, 'the job to fail');
    expect(runs.calls.map((c) => c.meta.attempt)).toEqual([1, 2, 3]);
    expect(await q.counts('fanout')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 0 });
    expect(await q.failed('fanout', 10)).toEqual([
      { jobId: 'doomed', payload, failedReason: 'boom 3', attempts: 3 },
    ]);
    // A failed job's id still dedupes; only retryFailed reruns it.
    await q.add('fanout', payload, { jobId: 'doomed' });
    expect(await q.counts('fanout')).toMatchObject({ waiting: 0, delayed: 0, failed: 1 });
    expect(await q.retryFailed('fanout', 'no-such-job')).toBe(false);

    healed = true;
    expect(await q.retryFailed('fanout', 'doomed')).toBe(true);
    // It starts over with a full set of attempts.
    expect((await runs.nth(4)).meta).toEqual({ attempt: 1, jobId: 'doomed' });
    await until(async () => (await q.counts('fanout')).completed === 1, 'the retried job to complete');
    expect(await q.counts('fanout')).toMatchObject({ failed: 0, completed: 1 });
    expect(await q.failed('fanout', 10)).toEqual([]);
    expect(await q.retryFailed('fanout', 'doomed')).toBe(false);
  });

  it('lists failed jobs newest first, up to the limit', async () => {
    const q = queue({ retry: { fanout: { attempts: 1, backoffMs: 0 } } });
    const runs = recorder(() => {
      throw new Error('nope');
    });
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    await q.add('fanout', fanout('1'), { jobId: 'first' });
    await until(async () => (await q.counts('fanout')).failed === 1, 'the first job to fail');
    await q.add('fanout', fanout('2'), { jobId: 'second' });
    await until(async () => (await q.counts('fanout')).failed === 2, 'the second job to fail');

    expect((await q.failed('fanout', 10)).map((j) => j.jobId)).toEqual(['second', 'first']);
    expect((await q.failed('fanout', 1)).map((j) => j.jobId)).toEqual(['second']);
    expect(runs.calls).toHaveLength(2);
  });

  it('forgets completed jobs past keepCompleted, so their ids run again', async () => {
    const q = queue({ keepCompleted: { ageSeconds: 3_600, count: 1 } });
    const runs = recorder();
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    await q.add('fanout', fanout('1'), { jobId: 'a' });
    await runs.nth(1);
    await q.add('fanout', fanout('2'), { jobId: 'b' });
    await runs.nth(2);
    const idle = async () => {
      const c = await q.counts('fanout');
      return c.active === 0 && c.waiting === 0 && c.completed === 1;
    };
    await until(idle, 'b to complete and push a out of the completed set');

    await q.add('fanout', fanout('1 again'), { jobId: 'a' });
    expect((await runs.nth(3)).meta.jobId).toBe('a');
  });

  it('runs at most `concurrency` jobs of a queue at once', async () => {
    const q = queue();
    let running = 0;
    let most = 0;
    const gate = deferred<void>();
    const runs = recorder(async () => {
      most = Math.max(most, ++running);
      await gate.promise;
      running--;
    });
    q.registerProcessor('fanout', runs.processor, { concurrency: 2 });
    await q.start();
    for (let i = 1; i <= 5; i++) await q.add('fanout', fanout(`${i}`), { jobId: `c${i}` });

    try {
      await runs.nth(2);
      expect(await settlesWithin(runs.nth(3), 300)).toBe(false);
      expect(await q.counts('fanout')).toMatchObject({ active: 2, waiting: 3 });
    } finally {
      gate.resolve(); // also when an expectation failed, so that closing the queue does not hang
    }
    await until(async () => (await q.counts('fanout')).completed === 5, 'all five jobs to complete');
    expect(most).toBe(2);
  });

  it('runs a delayed job no earlier than delayMs', async () => {
    const q = queue();
    const runs = recorder();
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    const added = Date.now();
    await q.add('fanout', fanout('1'), { jobId: 'later', delayMs: 300 });
    expect(await q.counts('fanout')).toMatchObject({ delayed: 1, waiting: 0 });

    expect((await runs.nth(1)).at - added).toBeGreaterThanOrEqual(295);
  });

  it('close() waits for the active job to finish', async () => {
    const q = queue();
    const order: string[] = [];
    const gate = deferred<void>();
    const runs = recorder(async () => {
      await gate.promise;
      order.push('job finished');
    });
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    await q.add('fanout', fanout('1'), { jobId: 'long' });
    await runs.nth(1);

    const closing = q.close().then(() => order.push('closed'));
    try {
      expect(await settlesWithin(closing, 200)).toBe(false);
    } finally {
      gate.resolve();
    }
    await closing;
    expect(order).toEqual(['job finished', 'closed']);
  });

  it('after stopProcessing() it takes jobs but runs none', async () => {
    const q = queue();
    const runs = recorder();
    q.registerProcessor('fanout', runs.processor);
    await q.start();
    await q.stopProcessing();
    await q.add('fanout', fanout('1'), { jobId: 'parked' });
    expect(await q.counts('fanout')).toMatchObject({ waiting: 1, active: 0 });
    expect(runs.calls).toEqual([]);
  });

  it('refuses to start while a required queue has no processor, and naming it', async () => {
    const q = queue({ requiredProcessors: ['fanout', 'push'] });
    q.registerProcessor('fanout', recorder().processor);
    await expect(q.start()).rejects.toThrow(/no processor registered for "push"/);

    const ok = queue({ requiredProcessors: ['fanout', 'push'] });
    ok.registerProcessor('fanout', recorder().processor);
    ok.registerProcessor('push', async () => undefined);
    await ok.start();
    expect(() => ok.registerProcessor('fanout', recorder().processor)).toThrow(/before start/);
  });
}

export function fanout(messageId: string, over: Partial<FanoutJob> = {}): FanoutJob {
  return { messageId, channelId: 'group-1', senderId: 'user-1', ...over };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Run {
  payload: FanoutJob;
  meta: JobMeta;
  at: number;
}

/**
 * A fanout processor that records each run and lets a test await the n-th one. `behave` decides the run's
 * outcome (throw to fail it); the run is recorded when it starts.
 */
export function recorder(behave: (meta: JobMeta) => void | Promise<void> = () => undefined) {
  const calls: Run[] = [];
  const waiters = new Map<number, Deferred<Run>>();
  const waiter = (n: number) => {
    let d = waiters.get(n);
    if (!d) waiters.set(n, (d = deferred<Run>()));
    return d;
  };
  return {
    calls,
    processor: async (payload: FanoutJob, meta: JobMeta): Promise<void> => {
      const run = { payload, meta, at: Date.now() };
      calls.push(run);
      waiter(calls.length).resolve(run);
      await behave(meta);
    },
    /** The n-th run (1-based), within a bounded time. */
    nth: (n: number) => withTimeout(waiter(n).promise, 10_000, `run ${n} of the processor`),
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** True if `p` settles within `ms`: used only to check that something has NOT happened yet. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = p.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([
    settled,
    new Promise<false>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return result;
}

/** Polls a state the port offers no event for (a job reaching completed/failed), within a bounded time. */
export async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
