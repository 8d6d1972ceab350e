import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const dir = () => mkdtempSync(join(tmpdir(), 'cfg-'));
const secret = 'x'.repeat(40);

describe('loadConfig', () => {
  it('runs every role on embedded stores with no environment', () => {
    const c = loadConfig({ DATA_DIR: dir() });
    expect([...c.roles].sort()).toEqual(['api', 'chat', 'presence', 'worker']);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.sendRate).toEqual({ perSecond: 20, burst: 50 });
    expect(c.presenceTimeoutMs).toBe(30_000);
  });

  it('generates the embedded JWT secret once and keeps it', () => {
    const d = dir();
    const first = loadConfig({ DATA_DIR: d }).jwtSecret;
    expect(loadConfig({ DATA_DIR: d }).jwtSecret).toBe(first);
    expect(readFileSync(join(d, 'jwt-secret'), 'utf8').trim()).toBe(first);
  });

  it('reads a secret from <NAME>_FILE (a Docker or Kubernetes secret), and refuses both or an unreadable file', () => {
    const d = dir();
    writeFileSync(join(d, 'jwt'), `${secret}\n`);
    writeFileSync(join(d, 'db'), 'postgres://u:p@h/db\n');
    const c = loadConfig({ DATA_DIR: d, JWT_SECRET_FILE: join(d, 'jwt'), DATABASE_URL_FILE: join(d, 'db') });
    expect(c.jwtSecret).toBe(secret);
    expect(c.databaseUrl).toBe('postgres://u:p@h/db');
    expect(() => loadConfig({ DATA_DIR: d, JWT_SECRET: secret, JWT_SECRET_FILE: join(d, 'jwt') })).toThrow(
      /JWT_SECRET_FILE: give JWT_SECRET or JWT_SECRET_FILE, not both/,
    );
    expect(() => loadConfig({ DATA_DIR: d, REDIS_URL_FILE: join(d, 'missing') })).toThrow(
      /REDIS_URL_FILE: cannot read .*missing \(ENOENT\)/,
    );
  });

  it('never shows secrets when the config is logged', () => {
    const c = loadConfig({ DATA_DIR: dir(), JWT_SECRET: secret, DATABASE_URL: 'postgres://h/db' });
    expect(JSON.stringify(c)).not.toContain(secret);
    expect(c.jwtSecret).toBe(secret);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ROLES: 'api,bogus' }, 'ROLES'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SEND_BURST: '-1' }, 'SEND_BURST'],
    [{ ROLES: 'worker' }, 'REDIS_URL'],
    [{ ROLES: 'api', REDIS_URL: 'redis://h', JWT_SECRET: secret }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://h/db' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ CASSANDRA_REPLICATION: 'Whatever' }, 'CASSANDRA_REPLICATION'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(name);
  });

  it('reads role lists', () => {
    const c = loadConfig({
      ROLES: 'api, chat',
      DATABASE_URL: 'postgres://h/db',
      REDIS_URL: 'redis://h',
      JWT_SECRET: secret,
    });
    expect([...c.roles]).toEqual(['api', 'chat']);
    expect(c.hasRole('worker')).toBe(false);
  });
});
