import { z } from 'zod';

export const ROLE_NAMES = ['api', 'chat', 'presence', 'worker'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? String(def) : v))
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number'))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const bool = (def: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? String(def) : v.toLowerCase()))
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const roles = z
  .string()
  .optional()
  .transform((v) => (v ?? 'all').trim() || 'all')
  .transform((v, ctx) => {
    const names = v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (names.includes('all')) return new Set<Role>(ROLE_NAMES);
    const bad = names.filter((n) => !(ROLE_NAMES as readonly string[]).includes(n));
    if (bad.length || names.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown role(s) ${bad.join(', ')}; use all or a comma list of ${ROLE_NAMES.join(', ')}`,
      });
      return z.NEVER;
    }
    return new Set(names as Role[]);
  });

/** The environment, as the process receives it. Names are binding (DESIGN.md section 7). */
export const envSchema = z.object({
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: int(3000, 0, 65535),
  ROLES: roles,
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATABASE_MIGRATE_ON_START: bool(true),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  CASSANDRA_CONTACT_POINTS: list,
  CASSANDRA_LOCAL_DC: z.string().trim().default('datacenter1'),
  CASSANDRA_KEYSPACE: z
    .string()
    .trim()
    .default('chat')
    .pipe(z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'must be a lower-case CQL identifier')),
  CASSANDRA_CONSISTENCY: z
    .enum(['ONE', 'TWO', 'THREE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL', 'LOCAL_ONE'])
    .default('LOCAL_QUORUM'),
  CASSANDRA_REPLICATION: z
    .string()
    .trim()
    .default('SimpleStrategy:1')
    .pipe(
      z
        .string()
        .regex(
          /^(SimpleStrategy:\d+|NetworkTopologyStrategy(:[A-Za-z0-9_-]+=\d+)+)$/,
          'must be SimpleStrategy:<rf> or NetworkTopologyStrategy:<dc>=<rf>[:<dc>=<rf>...]',
        ),
    ),
  CASSANDRA_MIGRATE_ON_START: bool(true),
  CONSUL_URL: optionalUrl(['http', 'https']),
  CONSUL_TOKEN: z.string().optional(),
  CHAT_NODE_CAPACITY: int(50000, 1, 10000000),
  DISCOVERY_TTL_SECONDS: int(15, 1, 3600),
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || 'false')
    .pipe(
      z
        .string()
        .regex(
          /^(true|false|\d{1,2}|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/,
          'must be true, false, a hop count, or addresses/subnets',
        ),
    ),
  JWT_SECRET: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(900, 30, 86400),
  REFRESH_TOKEN_TTL_DAYS: int(30, 1, 365),
  PRESENCE_TIMEOUT_MS: int(30000, 1000, 3600000),
  ADMIN_USERNAMES: list,
  CORS_ORIGINS: list,
  DASHBOARDS: bool(false),
  CSP_CONNECT_SRC: list.pipe(
    z.array(
      z
        .string()
        .regex(
          /^(https?|wss?):\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/,
          'must be a comma list of origins such as https://chat-1.example.com or https://*.example.com',
        ),
    ),
  ),
  AUTH_RATE_LIMIT_PER_MINUTE: int(30, 1, 1000000),
  PASSWORD_HASH_CONCURRENCY: int(0, 0, 64),
  SEND_RATE_PER_SECOND: int(20, 1, 1000000),
  SEND_BURST: int(50, 1, 1000000),
  MAX_SOCKETS_PER_USER: int(20, 1, 100000),
  LOGIN_FAILURES_PER_ACCOUNT: int(10, 1, 1000000),
  LOGIN_FAILURE_WINDOW_SECONDS: int(60, 1, 3600),
  JOB_ATTEMPTS: int(5, 1, 100),
  JOB_BACKOFF_MS: int(1000, 10, 3600000),
  JOB_LOCK_MS: int(10000, 500, 600000),
  JOB_STALLED_INTERVAL_MS: int(5000, 200, 600000),
  PUSH_COLLAPSE_WINDOW_MS: int(2000, 0, 3600000),
  PUSH_PREVIEW_LENGTH: int(100, 0, 500),
  PUSH_HIDE_CONTENT: bool(false),
  PUSH_TTL_SECONDS: int(86400, 0, 2419200),
  PUSH_REQUEST_TIMEOUT_MS: int(10000, 100, 120000),
  PUSH_ALLOW_LOOPBACK_HTTP: bool(false),
  VAPID_PUBLIC_KEY: z.string().trim().optional(),
  VAPID_PRIVATE_KEY: z.string().trim().optional(),
  VAPID_SUBJECT: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^(mailto:|https:\/\/)/.test(v), 'must start with mailto: or https://'),
  FCM_SERVICE_ACCOUNT_FILE: z.string().trim().optional(),
  FCM_URL: optionalUrl(['http', 'https']),
  APNS_KEY_FILE: z.string().trim().optional(),
  APNS_KEY_ID: z.string().trim().optional(),
  APNS_TEAM_ID: z.string().trim().optional(),
  APNS_TOPIC: z.string().trim().optional(),
  APNS_URL: optionalUrl(['http', 'https']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  CHAT_TEST_HOOKS: bool(false),
});

export type Env = z.input<typeof envSchema>;
