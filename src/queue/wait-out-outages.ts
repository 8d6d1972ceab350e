import { dependencies } from '../common/dependency-state';
import type { QueueName } from './job-catalogue';
import type { JobProcessor } from './job-queue';

/** How long a job waits for a store to come back, and how often it tries again meanwhile. */
export const OUTAGE_PATIENCE = { maxWaitMs: 20_000, retryEveryMs: 500 } as const;

/**
 * A job that fails because a store is down (Cassandra, Postgres, Redis) is tried again in place every 500 ms
 * for up to 20 s instead of spending its attempts on the queue's backoff (1, 2, 4, 8, 16 s): five attempts
 * can all fall inside one outage, and a group message's fan-out failed for good is a message its members
 * never get. Any other error, or an outage longer than that, goes to the queue's retries as before.
 */
export function waitOutOutages<Q extends QueueName>(
  fn: JobProcessor<Q>,
  patience: { maxWaitMs: number; retryEveryMs: number } = OUTAGE_PATIENCE,
): JobProcessor<Q> {
  return async (payload, meta) => {
    const giveUpAt = Date.now() + patience.maxWaitMs;
    for (;;) {
      try {
        return await fn(payload, meta);
      } catch (e) {
        if (!dependencies.report(e) || Date.now() + patience.retryEveryMs > giveUpAt) throw e;
        await new Promise((r) => setTimeout(r, patience.retryEveryMs));
      }
    }
  };
}
