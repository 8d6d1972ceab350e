import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

/**
 * Password attempts per account, beside the per-address limit (which an attacker with many addresses walks
 * around). An attempt takes a place before the password is checked, so parallel guesses cannot all slip in
 * under the limit; a correct password gives its place back, so only failures count. `now` (ms) is for tests.
 *
 * The window is fixed (it starts at the window's first failure and is not extended by refused attempts) and
 * short (LOGIN_FAILURE_WINDOW_SECONDS, a minute by default): anyone can fail logins for a username, so this
 * limit is also a way to lock its owner out. A short window caps that lock at a minute after the attacker
 * stops, while still holding a guesser to LOGIN_FAILURES_PER_ACCOUNT tries a minute against one account.
 */
export abstract class LoginThrottle {
  protected readonly max: number;
  protected readonly windowMs: number;

  constructor(config: AppConfig) {
    this.max = config.loginThrottle.failures;
    this.windowMs = config.loginThrottle.windowSeconds * 1000;
  }

  /** Takes an attempt for the username; false when its failures in this window are used up. */
  abstract take(username: string, now?: number): Promise<boolean>;
  /** The attempt succeeded: it does not count as a failure. */
  abstract giveBack(username: string, now?: number): Promise<void>;
}

interface Window {
  attempts: number;
  endsAt: number;
}

/** Embedded: one process answers every login. */
@Injectable()
export class InMemoryLoginThrottle extends LoginThrottle {
  private readonly windows = new Map<string, Window>();

  take(username: string, now = Date.now()): Promise<boolean> {
    let w = this.windows.get(username);
    if (!w || w.endsAt <= now) {
      if (this.windows.size > 10_000) this.prune(now);
      w = { attempts: 0, endsAt: now + this.windowMs };
      this.windows.set(username, w);
    }
    if (w.attempts >= this.max) return Promise.resolve(false);
    w.attempts++;
    return Promise.resolve(true);
  }

  giveBack(username: string, now = Date.now()): Promise<void> {
    const w = this.windows.get(username);
    if (w && w.endsAt > now && w.attempts > 0) w.attempts--;
    return Promise.resolve();
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
  }
}

/**
 * A counter per username whose expiry is set by the window's first attempt. Refused attempts are not
 * counted, so the counter stops at the limit. KEYS[1] the counter; ARGV max, window ms.
 */
const TAKE = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;
/** Gives an attempt back without reviving a window that has ended. */
const GIVE_BACK = `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 1`;

type Command = (key: string, ...args: (string | number)[]) => Promise<number>;

/** Distributed: every api process counts on the same Redis key. */
@Injectable()
export class RedisLoginThrottle extends LoginThrottle {
  private readonly takeCommand: Command;
  private readonly giveBackCommand: Command;

  constructor(config: AppConfig, redis: RedisService) {
    super(config);
    const client = redis.client as unknown as Record<string, Command | undefined>;
    if (!client.chatLoginTake) {
      redis.client.defineCommand('chatLoginTake', { numberOfKeys: 1, lua: TAKE });
      redis.client.defineCommand('chatLoginGiveBack', { numberOfKeys: 1, lua: GIVE_BACK });
    }
    this.takeCommand = (...args) => client.chatLoginTake!(...args);
    this.giveBackCommand = (...args) => client.chatLoginGiveBack!(...args);
  }

  async take(username: string): Promise<boolean> {
    return (await this.takeCommand(key(username), this.max, this.windowMs)) === 1;
  }

  async giveBack(username: string): Promise<void> {
    await this.giveBackCommand(key(username));
  }
}

const key = (username: string) => `chat:login-failures:{${username}}`;
