import { appendFileSync } from 'node:fs';

export type Service = 'postgres' | 'redis' | 'cassandra';

const VARS: Record<Service, string> = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  cassandra: 'CASSANDRA_CONTACT_POINTS',
};

/** The URL of a real service for tests, or undefined. With REQUIRE_SERVICES=1 a missing one is an error. */
export function serviceUrl(service: Service, suite: string): string | undefined {
  const v = process.env[VARS[service]];
  if (v) return v;
  if (process.env.REQUIRE_SERVICES === '1') {
    throw new Error(
      `${suite}: ${VARS[service]} is not set but REQUIRE_SERVICES=1; start ${service} (see .ci/run)`,
    );
  }
  const file = process.env.CHAT_SKIP_LOG;
  if (file) appendFileSync(file, `${suite} [${service}]: ${VARS[service]} is not set\n`);
  return undefined;
}

/** `describe` when every service is there; otherwise a skipped block that says why (never in CI). */
export function describeWith(
  services: Service[],
  name: string,
  fn: (urls: Record<Service, string>) => void,
): void {
  const urls = {} as Record<Service, string>;
  const missing = services.filter((s) => {
    const u = serviceUrl(s, name);
    if (u) urls[s] = u;
    return !u;
  });
  if (missing.length) {
    // Reached only without REQUIRE_SERVICES (serviceUrl throws under it, so CI can never skip). The skipped
    // block keeps a file whose every suite needs a service from being an error, and the reporter says why.
    describe.skip(`${name} (needs ${missing.join(', ')})`, () => it('is skipped', () => undefined));
    return;
  }
  describe(name, () => fn(urls));
}
