import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The real-time stack in the lock file is past its published CVE fixes. The registry's audit endpoint is not
 * reachable everywhere this project is built, so the floor is checked here, from the lock file itself.
 */
const FLOORS: Record<string, { min: string; why: string }> = {
  ws: { min: '8.17.1', why: 'CVE-2024-37890: DoS with many HTTP headers' },
  'engine.io': { min: '6.4.2', why: 'CVE-2023-31125: uncaught exception on a crafted request' },
  'socket.io': { min: '4.6.2', why: 'CVE-2024-38355: unhandled error event crashes the process' },
  'socket.io-parser': { min: '4.2.3', why: 'CVE-2023-32695: crash on a crafted packet' },
  'engine.io-client': { min: '6.5.4', why: 'pulls ws past CVE-2024-37890' },
};

const parse = (v: string) => v.split('.').map(Number);
const atLeast = (v: string, min: string) => {
  const [a, b] = [parse(v), parse(min)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};

describe('dependency versions', () => {
  const lock = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const installed = (name: string) =>
    Object.entries(lock.packages)
      .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
      .map(([path, p]) => ({ path, version: p.version ?? '0.0.0' }));

  it.each(Object.entries(FLOORS))('every copy of %s is past its CVE fixes', (name, { min, why }) => {
    const copies = installed(name);
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies)
      expect({ ...c, ok: atLeast(c.version, min) }).toEqual({
        ...c,
        ok: true,
        ...(atLeast(c.version, min) ? {} : { why }),
      });
  });
});
