import { errors as cassandraErrors, types as cassandraTypes } from 'cassandra-driver';

/** The backing stores whose outage a client sees as `unavailable` (DESIGN.md section 7). */
export type Store = 'postgres' | 'redis' | 'cassandra';

// SQLSTATE: 08xxx connection exceptions; 57P01-03 admin/crash shutdown and "cannot connect now" (starting up
// or shutting down); 53300 too many connections.
const PG_UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
];
const REDIS_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'LOADING ',
];
// Socket errors of a connection to a store (raised by connect or by a dropped link).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const CASSANDRA_UNAVAILABLE: ReadonlySet<number> = new Set([
  cassandraTypes.responseErrorCodes.unavailableException,
  cassandraTypes.responseErrorCodes.overloaded,
  cassandraTypes.responseErrorCodes.isBootstrapping,
  cassandraTypes.responseErrorCodes.writeTimeout,
  cassandraTypes.responseErrorCodes.readTimeout,
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

/**
 * The one answer to "does this error mean a backing store is unavailable, and which one?". Callers map a
 * store outage to `unavailable` and leave logging to the dependency-state tracker; anything else (undefined
 * here) is a real failure. Wrapped errors (TypeORM's `driverError`, an Error `cause`) are looked through.
 */
export function storeOutage(e: unknown, depth = 0): Store | undefined {
  if (typeof e !== 'object' || e === null || depth > 4) return undefined;
  if (e instanceof cassandraErrors.NoHostAvailableError) return 'cassandra';
  if (e instanceof cassandraErrors.OperationTimedOutError) return 'cassandra';
  if (e instanceof cassandraErrors.BusyConnectionError) return 'cassandra';
  if (e instanceof cassandraErrors.ResponseError) {
    return CASSANDRA_UNAVAILABLE.has(e.code) ? 'cassandra' : undefined;
  }
  const err = e as ErrorLike;
  const message = typeof err.message === 'string' ? err.message : '';
  if (err.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((m) => message.startsWith(m)))
    return 'redis';
  if (typeof err.code === 'string' && PG_UNAVAILABLE_STATE.test(err.code)) return 'postgres';
  if (PG_MESSAGES.some((m) => message.startsWith(m))) return 'postgres';
  // ioredis and cassandra-driver wrap their socket errors (above); a bare one on a request's path comes from
  // the pg pool connecting.
  if (typeof err.code === 'string' && SOCKET_CODES.has(err.code)) return 'postgres';
  return storeOutage(err.driverError, depth + 1) ?? storeOutage(err.cause, depth + 1);
}
