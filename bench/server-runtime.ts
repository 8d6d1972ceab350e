import type { ChildServer } from './child-server';
import type { RuntimeStats } from './runtime-stats';

let nextRequest = 0;

/**
 * Asks each server the bench started for its runtime figures since the last ask (see server-agent.ts), by
 * process name. A server that does not answer in time is left out (its figures read "n/a"), so a stalled or
 * dead process never hangs the report.
 */
export async function readRuntime(
  servers: readonly ChildServer[],
  timeoutMs = 15_000,
): Promise<Record<string, RuntimeStats>> {
  const answers = await Promise.all(
    servers.map(async (s) => {
      try {
        const id = `rt${++nextRequest}`;
        const line = await s.request(`runtime ${id}`, `"req":"${id}"`, timeoutMs);
        const {
          msg: _msg,
          req: _req,
          ...stats
        } = JSON.parse(line.slice(line.indexOf('{'))) as RuntimeStats & { msg: string; req: string };
        return [s.name, stats] as const;
      } catch {
        return undefined;
      }
    }),
  );
  return Object.fromEntries(answers.filter((a) => a !== undefined));
}
