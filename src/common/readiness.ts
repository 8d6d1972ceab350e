import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<Record<string, unknown> | void>;

/** Stores register a check here; /health/ready runs those of the modules this role loaded. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks];
  }
}
