import { randomBytes } from 'node:crypto';
import { ChatHttpClient } from '@chat-server/client';
import type { BenchTarget } from './target';

export interface Account {
  userId: string;
  token: string;
  /** Registered users only (not the relay's). */
  username?: string;
  http?: ChatHttpClient;
}

/** Every bench user's password (mixed logs them in again). */
export const PASSWORD = 'bench-password-1';

/**
 * Registers `count` fresh users (argon2 makes this the slow part of setting up a big run) with bounded
 * concurrency. Against the relay, which has no accounts, a user id is its own token.
 */
export async function makeAccounts(
  target: BenchTarget,
  count: number,
  concurrency: number,
  log: (line: string) => void,
): Promise<Account[]> {
  const run = randomBytes(4).toString('hex');
  if (!target.needsAccounts) {
    return Array.from({ length: count }, (_, i) => ({ userId: `r${run}-${i}`, token: `r${run}-${i}` }));
  }
  const base = new ChatHttpClient(target.apiUrl);
  const accounts: Account[] = new Array<Account>(count);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const timer = setInterval(() => log(`registering users: ${done}/${count}`), 2000);
  try {
    const runner = async () => {
      while (next < count) {
        const i = next++;
        const username = `b${run}_${i}`;
        const s = await base.register({ username, password: PASSWORD });
        accounts[i] = {
          userId: s.user.id,
          token: s.accessToken,
          username,
          http: base.withToken(s.accessToken),
        };
        done++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, runner));
  } finally {
    clearInterval(timer);
  }
  if (count >= 50) log(`registered ${count} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return accounts;
}
