import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildServer {
  name: string;
  proc: ChildProcess;
  pid: number;
  url: string;
  /** Writes a command to the server's stdin (for the bench agent) and resolves with the next line with `reply`. */
  request(command: string, reply: string, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
  /** The last lines of its output, for error messages. */
  tail(): string;
}

const LISTENING = '"chat server listening"';
const TAIL_LINES = 40;
const ECHO_CHARS = 300;
const QUIET = [LISTENING, 'bench profile', 'bench memory', 'bench runtime'];

/**
 * Starts a Node script that prints `{"msg":"chat server listening","url":...}` on stdout once it listens
 * (the chat server, or the bench's relay) and resolves with its URL. The environment is exactly `env`: a
 * bench run must not depend on what the calling shell happens to export.
 */
export function startChildServer(
  name: string,
  script: string,
  opts: { env: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number },
): Promise<ChildServer> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], {
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const lines: string[] = [];
  const watchers: { text: string; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    // The server logs at warn level: whatever it says is worth seeing, beside the bench's own lines.
    if (!QUIET.some((q) => line.includes(q)))
      process.stderr.write(`[${name}] ${line.slice(0, ECHO_CHARS)}\n`);
    for (const w of watchers.splice(0)) {
      if (line.includes(w.text)) w.resolve(line);
      else watchers.push(w);
    }
  };
  createInterface({ input: proc.stdout! }).on('line', onLine);
  createInterface({ input: proc.stderr! }).on('line', onLine);
  proc.stdin!.on('error', () => undefined);

  const waitForLine = (text: string, timeoutMs: number, fromNow = false) =>
    new Promise<string>((resolve, reject) => {
      const seen = fromNow ? undefined : lines.find((l) => l.includes(text));
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`${name}: no line with "${text}" in ${timeoutMs} ms`)),
        timeoutMs,
      );
      watchers.push({ text, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });

  const stop = async (graceMs = 10_000) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return exited;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = Promise.race([
    waitForLine(LISTENING, timeoutMs),
    exited.then((code) => {
      throw new Error(`${name} exited (${code}) before listening:\n${lines.join('\n')}`);
    }),
  ]);
  return started
    .then((line) => {
      const url = (JSON.parse(line.slice(line.indexOf('{'))) as { url: string }).url
        .replace('[::1]', '127.0.0.1')
        .replace('[::]', '127.0.0.1')
        .replace('0.0.0.0', '127.0.0.1');
      return {
        name,
        proc,
        pid: proc.pid!,
        url,
        request: (command: string, reply: string, ms = 60_000) => {
          const answer = waitForLine(reply, ms, true);
          proc.stdin!.write(`${command}\n`);
          return answer;
        },
        stop,
        tail: () => lines.join('\n'),
      };
    })
    .catch(async (e: unknown) => {
      await stop(1000);
      throw e;
    });
}
