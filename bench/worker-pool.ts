import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { FromWorker, LoadPlan, LoadResult, Progress, SocketSpec, ToWorker } from './protocol';

const WORKER_MAIN = join(__dirname, 'load-worker.js');

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

class Worker {
  readonly proc: ChildProcess;
  progress: Progress = {
    connected: 0,
    disconnects: 0,
    offered: 0,
    acked: 0,
    delivered: 0,
    errors: 0,
    inflight: 0,
    reads: 0,
  };
  private waiters: {
    type: FromWorker['type'];
    resolve: (m: FromWorker) => void;
    reject: (e: Error) => void;
  }[] = [];

  constructor(readonly id: number) {
    this.proc = fork(WORKER_MAIN, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: FromWorker) => this.onMessage(m));
    this.proc.once('exit', (code, signal) => {
      const err = new Error(`load worker ${id} exited (${code ?? signal})`);
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'progress') {
      this.progress = m.progress;
      return;
    }
    if (m.type === 'fatal') {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`load worker ${this.id}: ${m.error}`));
      return;
    }
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
  }

  request<T extends FromWorker['type']>(message: ToWorker, reply: T): Promise<Reply<T>> {
    return new Promise<Reply<T>>((resolve, reject) => {
      this.waiters.push({ type: reply, resolve: (m) => resolve(m as Reply<T>), reject });
      this.proc.send(message);
    });
  }
}

export interface ConnectSummary {
  ok: number;
  failed: number;
  firstError?: string;
  /** Slowest worker's connect time: all workers connect at once. */
  ms: number;
}

/** The load workers (child processes, so the generator has cores of its own), driven in lock step. */
export class WorkerPool {
  readonly workers: Worker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, (_, i) => new Worker(i));
  }

  get pids(): number[] {
    return this.workers.map((w) => w.proc.pid).filter((p): p is number => p !== undefined);
  }

  /** Progress summed over workers. */
  progress(): Progress {
    const total: Progress = {
      connected: 0,
      disconnects: 0,
      offered: 0,
      acked: 0,
      delivered: 0,
      errors: 0,
      inflight: 0,
      reads: 0,
    };
    for (const w of this.workers) {
      for (const k of Object.keys(total) as (keyof Progress)[]) total[k] += w.progress[k];
    }
    return total;
  }

  async connect(
    perWorker: SocketSpec[][],
    concurrency: number,
    heartbeatMs: number,
  ): Promise<ConnectSummary> {
    const replies = await Promise.all(
      this.workers.map((w, i) =>
        w.request(
          { type: 'connect', workerId: i, sockets: perWorker[i] ?? [], concurrency, heartbeatMs },
          'connected',
        ),
      ),
    );
    return {
      ok: replies.reduce((a, r) => a + r.ok, 0),
      failed: replies.reduce((a, r) => a + r.failed, 0),
      firstError: replies.find((r) => r.firstError)?.firstError,
      ms: Math.max(...replies.map((r) => r.ms)),
    };
  }

  async load(plans: LoadPlan[]): Promise<LoadResult[]> {
    const replies = await Promise.all(
      this.workers.map((w, i) => w.request({ type: 'load', plan: plans[i] }, 'result')),
    );
    return replies.map((r) => r.result);
  }

  /** Closes every worker's sockets and waits for the workers to exit (killing any that hang). */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => w.proc.once('exit', () => resolve()));
        if (w.proc.connected) w.request({ type: 'close' }, 'closed').catch(() => undefined);
        const timer = setTimeout(() => w.proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
