import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { until } from './wait';

/** A free TCP port on loopback, as the kernel hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of the test's own on a free loopback port, keeping nothing on disk: fault tests stop, restart
 * and flush it without touching the machine's Redis. `restart` starts a new server on the same port (empty,
 * as a real Redis restart without persistence is).
 */
export class OwnRedis {
  private proc?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort());
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.proc = proc;
    await until(() => this.ping(), Boolean, 10_000, `redis-server on port ${this.port}`);
  }

  /** Stops the server (SIGKILL: as abrupt as a crash) and waits until it is gone. */
  async down(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
  }

  /** A one-off command client; the caller quits it. */
  client(): Redis {
    return new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  }

  async flushAll(): Promise<void> {
    const c = this.client();
    try {
      await c.flushall();
    } finally {
      c.disconnect();
    }
  }

  private async ping(): Promise<boolean> {
    const c = this.client();
    try {
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }
}
