import { isMainThread } from 'node:worker_threads';
/**
 * Preloaded into every server the bench starts (`node --require dist/bench/server-agent.js dist/main.js`) and
 * driven through the server's stdin, one command a line:
 *
 * - `profile:start` / `profile:stop <path>`: a V8 CPU profile of exactly the measured window.
 *   (`--server-node-args "--cpu-prof --cpu-prof-dir <dir>"` works too, but profiles the whole life of the
 *   process: start-up, user registration and shutdown included.)
 * - `memory`: a full GC first when the server runs with --expose-gc, then RSS and heap figures, so memory per
 *   connection is not at the mercy of when V8 last collected; and the open file descriptors, so the bench can
 *   see which process holds the sockets.
 *
 * Answers are JSON lines on stdout that the bench waits for.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';

let session: Session | undefined;

const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    session!.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );

const answer = (msg: string, data: object) => console.log(JSON.stringify({ msg, ...data }));

async function onCommand(line: string): Promise<void> {
  const [command, arg] = line.trim().split(/\s+/, 2);
  if (command === 'profile:start') {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    answer('bench profile started', {});
  } else if (command === 'profile:stop' && arg && session) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    session = undefined;
    writeFileSync(arg, JSON.stringify(profile));
    answer('bench profile written', { path: arg });
  } else if (command === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    let fds: number | undefined;
    try {
      fds = readdirSync('/proc/self/fd').length;
    } catch {
      fds = undefined; // not Linux
    }
    answer('bench memory', {
      gc: gc !== undefined,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      fds,
    });
  }
}

// Preloads run in worker threads too; only the main thread listens to the bench.
if (isMainThread) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    onCommand(line).catch((e: unknown) => console.error('bench agent:', e));
  });
  // stdin must not keep the server alive when it shuts down.
  process.stdin.unref();
}
