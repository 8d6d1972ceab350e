import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<Record<string, unknown> | void>;

/**
 * Stores register a check here; /health/ready runs those of the modules this role loaded. Once the process
 * begins to stop (SIGTERM: a chat node drains its sockets, a worker finishes its jobs), it is not ready
 * whatever its stores say, so a load balancer sends it nothing new.
 */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private stoppingSince?: Date;

  /** The process has begun to shut down; idempotent. */
  stopping(): void {
    this.stoppingSince ??= new Date();
  }

  /** When the shutdown began, or undefined while the process serves. */
  get stoppedAt(): Date | undefined {
    return this.stoppingSince;
  }

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks];
  }
}
