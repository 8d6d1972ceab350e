import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  kill(signal?: NodeJS.Signals): Promise<number | string | null>;
  /** Resolves with the first output line (stdout or stderr, after start-up too) that contains `text`. */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  /** Everything the process has printed so far. */
  output(): string;
}

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/**
 * Starts the built server (`dist/main.js`, as `npm start` runs it) as a real process and resolves once it
 * prints its listening line. Used by the kill tests and the multi-process tests.
 */
export function spawnServer(
  env: Record<string, string>,
  timeoutMs = 20_000,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, sig) => resolve(code ?? sig)),
  );
  let output = '';
  const lines: string[] = [];
  const watchers: { text: string; resolve: (l: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of watchers.splice(0)) {
      if (line.includes(w.text)) w.resolve(line);
      else watchers.push(w);
    }
  };
  createInterface({ input: proc.stderr! }).on('line', (l) => {
    output += l + '\n';
    onLine(l);
  });
  const waitForLine = (text: string, ms = 20_000) => {
    const seen = lines.find((l) => l.includes(text));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line with "${text}" within ${ms} ms`)), ms);
      watchers.push({ text, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      output += line + '\n';
      onLine(line);
      // The JSON line, or with LOG_FORMAT=pretty the human one ("chat server listening on http://localhost:N (…").
      const human = /^chat server listening on (\S+) /.exec(line);
      if (!line.includes('"chat server listening"') && !human) return;
      clearTimeout(timer);
      const url = (human ? human[1] : (JSON.parse(line) as { url: string }).url)
        .replace('[::1]', '127.0.0.1')
        .replace('//localhost:', '//127.0.0.1:');
      resolve({
        proc,
        url,
        exited,
        waitForLine,
        output: () => output,
        kill: (signal = 'SIGTERM') => {
          proc.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Runs the built server expecting it to refuse to start; resolves with its exit code and stderr. */
export function runServerExpectingExit(
  env: Record<string, string>,
  cwd?: string,
): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stderr })));
}
