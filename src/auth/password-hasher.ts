import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AppConfig } from '../config/app-config';

/**
 * argon2id at OWASP's minimum profile (19 MiB, t=2, p=1). Each hash is 20-40 ms of CPU on libuv's thread
 * pool; at most `passwordHashConcurrency` run at once (CPUs - 1 by default), so a burst of sign-ins queues
 * here instead of taking every core from the event loop that serves the sockets.
 */
@Injectable()
export class PasswordHasher {
  private static readonly OPTIONS = {
    type: argon2.argon2id,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  } as const;
  /** Verified against when a username does not exist, so both paths cost one argon2 run. */
  private dummy?: Promise<string>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, PasswordHasher.OPTIONS));
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('not-a-real-password');
      const dummy = await this.dummy;
      await this.limited(() => argon2.verify(dummy, password)).catch(() => false);
      return false;
    }
    return this.limited(() => argon2.verify(hash, password)).catch(() => false);
  }

  private async limited<T>(run: () => Promise<T>): Promise<T> {
    if (this.running >= this.config.passwordHashConcurrency)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await run();
    } finally {
      // A waiter takes the slot over; otherwise it is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
