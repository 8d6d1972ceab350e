import { availableParallelism } from 'node:os';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envSchema, Role } from './config.schema';

export class ConfigError extends Error {}

/**
 * Which adapter this process runs behind each port, decided once from the configuration (in `loadConfig`) and
 * logged at start-up. Every module binds its adapters by switching on this, never on the raw variables.
 */
export interface Topology {
  /** Users, friends, groups, devices, sessions (TypeORM): the embedded SQLite file, or Postgres (DATABASE_URL). */
  readonly relational: 'sqlite' | 'postgres';
  /** Message history, inboxes and send dedupe: the relational store, or Cassandra (CASSANDRA_CONTACT_POINTS). */
  readonly history: 'sqlite' | 'postgres' | 'cassandra';
  /**
   * State every process must see alike (presence, rate limits, socket quotas, push collapse, node ids) and
   * events between processes (Socket.IO adapter and emitter): this process's memory, or Redis (REDIS_URL).
   */
  readonly sharedState: 'memory' | 'redis';
  /** Group fan-out and push jobs: in this process's memory (a group is fanned out inline), or BullMQ on Redis. */
  readonly queue: 'memory' | 'bullmq';
  /** How clients find a chat node: this process is the only one, or Consul (CONSUL_URL). */
  readonly discovery: 'self' | 'consul';
}

export function describeTopology(t: Topology): string {
  return `relational=${t.relational} history=${t.history} shared-state=${t.sharedState} queue=${t.queue} discovery=${t.discovery}`;
}

/**
 * The validated, typed configuration. Built once from the environment at start-up; nothing else in the
 * app reads process.env. Secrets are non-enumerable so that logging the object never prints them.
 */
export class AppConfig {
  readonly host!: string;
  readonly port!: number;
  readonly roles!: ReadonlySet<Role>;
  readonly dataDir!: string;
  readonly publicUrl!: string | undefined;
  /** The adapters this process runs; every module binds on this (see Topology). */
  readonly topology!: Topology;
  readonly databaseUrl!: string | undefined;
  readonly migrateOnStart!: boolean;
  readonly redisUrl!: string | undefined;
  readonly cassandra!: {
    contactPoints: string[];
    localDc: string;
    keyspace: string;
    consistency: string;
    /** `SimpleStrategy:<rf>` or `NetworkTopologyStrategy:<dc>=<rf>[:...]`. */
    replication: string;
    migrateOnStart: boolean;
  };
  readonly consul!: { url: string | undefined };
  readonly discovery!: { capacity: number; ttlSeconds: number };
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address. */
  readonly trustProxy!: boolean | number | string;
  readonly jwt!: { accessTtlSeconds: number; refreshTtlDays: number; issuer: string; audience: string };
  readonly presenceTimeoutMs!: number;
  readonly adminUsernames!: ReadonlySet<string>;
  readonly corsOrigins!: readonly string[];
  /** Bull Board at /admin/queues on api processes with BullMQ, for admins only (off by default). */
  readonly dashboards!: boolean;
  /** Origins besides this one that the web client may connect to (chat nodes on other hosts): CSP connect-src. */
  readonly cspConnectSrc!: readonly string[];
  readonly authRateLimitPerMinute!: number;
  /** argon2 runs at once in this process; the others wait their turn (0 in the env: CPUs - 1, at least 1). */
  readonly passwordHashConcurrency!: number;
  readonly sendRate!: { perSecond: number; burst: number };
  /** Open sockets of one user across every chat node. */
  readonly maxSocketsPerUser!: number;
  /** Failed logins of one username allowed per window (beside the per-address limit). */
  readonly loginThrottle!: { failures: number; windowSeconds: number };
  /** A killed worker's job runs again after about lockMs + stalledIntervalMs. */
  readonly jobs!: { attempts: number; backoffMs: number; lockMs: number; stalledIntervalMs: number };
  readonly push!: {
    collapseWindowMs: number;
    previewLength: number;
    hideContent: boolean;
    ttlSeconds: number;
    requestTimeoutMs: number;
    allowLoopbackHttp: boolean;
    vapid?: { publicKey: string; subject?: string };
    fcm?: { serviceAccountFile: string; url?: string };
    apns?: { keyFile: string; keyId: string; teamId: string; topic: string; url?: string };
  };
  readonly logLevel!: string;
  /** json lines, human lines, or auto: human on a terminal, json otherwise. */
  readonly logFormat!: 'auto' | 'json' | 'pretty';
  readonly testHooks!: boolean;
  declare readonly jwtSecret: string;
  /**
   * The JWT secret as a key object, made once. Given a string, jsonwebtoken first tries to parse it as a PEM
   * private key (and throws) on every sign and verify: milliseconds of the event loop per token in a profile.
   */
  declare readonly jwtKey: KeyObject;
  declare readonly consulToken: string | undefined;
  declare readonly vapidPrivateKey: string | undefined;

  constructor(
    fields: Omit<AppConfig, 'hasRole' | 'jwtSecret' | 'jwtKey' | 'consulToken' | 'vapidPrivateKey'>,
    secrets: { jwtSecret: string; consulToken?: string; vapidPrivateKey?: string },
  ) {
    Object.assign(this, fields);
    Object.defineProperty(this, 'jwtSecret', { value: secrets.jwtSecret, enumerable: false });
    const jwtKey = createSecretKey(Buffer.from(secrets.jwtSecret, 'utf8'));
    Object.defineProperty(this, 'jwtKey', { value: jwtKey, enumerable: false });
    Object.defineProperty(this, 'consulToken', { value: secrets.consulToken, enumerable: false });
    Object.defineProperty(this, 'vapidPrivateKey', { value: secrets.vapidPrivateKey, enumerable: false });
  }

  hasRole(role: Role): boolean {
    return this.roles.has(role);
  }
}

/**
 * The variables that may hold a secret: each may instead be given as `<NAME>_FILE`, the path of a file that
 * holds it (Docker and Kubernetes secrets are files), so the secret is never in the process's environment.
 */
export const SECRET_VARIABLES = [
  'JWT_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'CONSUL_TOKEN',
  'VAPID_PRIVATE_KEY',
] as const;

/** `env` with each `<NAME>_FILE` of SECRET_VARIABLES read into `<NAME>` (trailing newline dropped). */
function withSecretFiles(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`  ${name}_FILE: give ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      out[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      problems.push(`  ${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return out;
}

/** Parses and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(rawEnv: Record<string, string | undefined>): AppConfig {
  const env = withSecretFiles(rawEnv);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const allRoles = e.ROLES.size === 4;
  if (!allRoles && !e.REDIS_URL) {
    throw new ConfigError(
      `Invalid configuration:\n  REDIS_URL: required when ROLES is not "all" (got ROLES=${[...e.ROLES].join(',')}); ` +
        'separate roles talk to each other through Redis',
    );
  }
  if (!allRoles && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_URL: required when ROLES is not "all"; separate roles share one Postgres',
    );
  }
  const dataDir = resolve(e.DATA_DIR);
  const distributed = Boolean(e.DATABASE_URL || e.REDIS_URL);
  let jwtSecret = e.JWT_SECRET?.trim();
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: must be at least 32 characters');
  }
  if (!jwtSecret) {
    if (distributed) {
      throw new ConfigError(
        'Invalid configuration:\n  JWT_SECRET: required when DATABASE_URL or REDIS_URL is set',
      );
    }
    jwtSecret = embeddedSecret(dataDir);
  }
  return new AppConfig(
    {
      host: e.HOST,
      port: e.PORT,
      roles: e.ROLES,
      dataDir,
      publicUrl: e.PUBLIC_URL,
      topology: {
        relational: e.DATABASE_URL ? 'postgres' : 'sqlite',
        history: e.CASSANDRA_CONTACT_POINTS.length ? 'cassandra' : e.DATABASE_URL ? 'postgres' : 'sqlite',
        sharedState: e.REDIS_URL ? 'redis' : 'memory',
        queue: e.REDIS_URL ? 'bullmq' : 'memory',
        discovery: e.CONSUL_URL ? 'consul' : 'self',
      },
      databaseUrl: e.DATABASE_URL,
      migrateOnStart: e.DATABASE_MIGRATE_ON_START,
      redisUrl: e.REDIS_URL,
      cassandra: {
        contactPoints: e.CASSANDRA_CONTACT_POINTS,
        localDc: e.CASSANDRA_LOCAL_DC,
        keyspace: e.CASSANDRA_KEYSPACE,
        consistency: e.CASSANDRA_CONSISTENCY,
        replication: e.CASSANDRA_REPLICATION,
        migrateOnStart: e.CASSANDRA_MIGRATE_ON_START,
      },
      consul: { url: e.CONSUL_URL },
      discovery: { capacity: e.CHAT_NODE_CAPACITY, ttlSeconds: e.DISCOVERY_TTL_SECONDS },
      trustProxy:
        e.TRUST_PROXY === 'true'
          ? true
          : e.TRUST_PROXY === 'false'
            ? false
            : /^\d+$/.test(e.TRUST_PROXY)
              ? Number(e.TRUST_PROXY)
              : e.TRUST_PROXY,
      jwt: {
        accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
        refreshTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
        issuer: 'chat-server',
        audience: 'chat-clients',
      },
      presenceTimeoutMs: e.PRESENCE_TIMEOUT_MS,
      adminUsernames: new Set(e.ADMIN_USERNAMES.map((u) => u.toLowerCase())),
      corsOrigins: e.CORS_ORIGINS,
      cspConnectSrc: e.CSP_CONNECT_SRC,
      dashboards: e.DASHBOARDS,
      authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
      passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY || Math.max(1, availableParallelism() - 1),
      sendRate: { perSecond: e.SEND_RATE_PER_SECOND, burst: e.SEND_BURST },
      maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
      loginThrottle: {
        failures: e.LOGIN_FAILURES_PER_ACCOUNT,
        windowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
      },
      jobs: {
        attempts: e.JOB_ATTEMPTS,
        backoffMs: e.JOB_BACKOFF_MS,
        lockMs: e.JOB_LOCK_MS,
        stalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
      },
      push: pushSettings(e),
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT,
      testHooks: e.CHAT_TEST_HOOKS,
    },
    {
      jwtSecret,
      consulToken: e.CONSUL_TOKEN || undefined,
      vapidPrivateKey: e.VAPID_PRIVATE_KEY || undefined,
    },
  );
}

function pushSettings(e: ReturnType<typeof envSchema.parse>): AppConfig['push'] {
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY)) {
    throw new ConfigError(
      'Invalid configuration:\n  VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY: set both or neither',
    );
  }
  const apnsParts = [e.APNS_KEY_FILE, e.APNS_KEY_ID, e.APNS_TEAM_ID, e.APNS_TOPIC];
  if (apnsParts.some(Boolean) && !apnsParts.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  APNS_KEY_FILE, APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC: set all four or none',
    );
  }
  return {
    collapseWindowMs: e.PUSH_COLLAPSE_WINDOW_MS,
    previewLength: e.PUSH_PREVIEW_LENGTH,
    hideContent: e.PUSH_HIDE_CONTENT,
    ttlSeconds: e.PUSH_TTL_SECONDS,
    requestTimeoutMs: e.PUSH_REQUEST_TIMEOUT_MS,
    allowLoopbackHttp: e.PUSH_ALLOW_LOOPBACK_HTTP,
    vapid: e.VAPID_PUBLIC_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, subject: e.VAPID_SUBJECT } : undefined,
    fcm: e.FCM_SERVICE_ACCOUNT_FILE
      ? { serviceAccountFile: e.FCM_SERVICE_ACCOUNT_FILE, url: e.FCM_URL }
      : undefined,
    apns: e.APNS_KEY_FILE
      ? {
          keyFile: e.APNS_KEY_FILE,
          keyId: e.APNS_KEY_ID!,
          teamId: e.APNS_TEAM_ID!,
          topic: e.APNS_TOPIC!,
          url: e.APNS_URL,
        }
      : undefined,
  };
}

/** Embedded mode generates its signing secret once, so restarts keep tokens valid. */
function embeddedSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
