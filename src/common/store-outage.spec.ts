import { errors, types } from 'cassandra-driver';
import MaxRetriesPerRequestError from 'ioredis/built/errors/MaxRetriesPerRequestError';
import { QueryFailedError } from 'typeorm';
import { DependencyState } from './dependency-state';
import { storeOutage } from './store-outage';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('storeOutage', () => {
  it('names Cassandra for the driver errors that mean no node can answer', () => {
    const noHost = new errors.NoHostAvailableError({ '127.0.0.1:9042': new Error('ECONNREFUSED') });
    expect(storeOutage(noHost)).toBe('cassandra');
    expect(storeOutage(new errors.OperationTimedOutError('timed out'))).toBe('cassandra');
    for (const code of ['unavailableException', 'overloaded', 'writeTimeout', 'readTimeout'] as const) {
      expect(storeOutage(new errors.ResponseError(types.responseErrorCodes[code], code))).toBe('cassandra');
    }
  });

  it('leaves Cassandra errors that are our fault alone', () => {
    expect(
      storeOutage(new errors.ResponseError(types.responseErrorCodes.syntaxError, 'bad cql')),
    ).toBeUndefined();
    expect(
      storeOutage(new errors.ResponseError(types.responseErrorCodes.invalid, 'bad value')),
    ).toBeUndefined();
    expect(storeOutage(new errors.ArgumentError('bad argument'))).toBeUndefined();
  });

  it('names Postgres for connection failures, also wrapped by TypeORM', () => {
    expect(storeOutage(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe('postgres');
    expect(storeOutage(new Error('Connection terminated unexpectedly'))).toBe('postgres');
    expect(storeOutage(new Error('timeout exceeded when trying to connect'))).toBe('postgres');
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300']) {
      const wrapped = new QueryFailedError('SELECT 1', [], withCode('terminating connection', code));
      expect(storeOutage(wrapped)).toBe('postgres');
    }
    const caused = new Error('Connection terminated due to connection timeout', { cause: new Error('x') });
    expect(storeOutage(caused)).toBe('postgres');
  });

  it('leaves query errors alone (a unique violation, a syntax error)', () => {
    expect(
      storeOutage(new QueryFailedError('INSERT', [], withCode('duplicate key', '23505'))),
    ).toBeUndefined();
    expect(storeOutage(new QueryFailedError('SELEC', [], withCode('syntax error', '42601')))).toBeUndefined();
  });

  it('names Redis for ioredis connection errors', () => {
    expect(storeOutage(new MaxRetriesPerRequestError(3))).toBe('redis');
    expect(storeOutage(new Error('Connection is closed.'))).toBe('redis');
    expect(storeOutage(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(
      'redis',
    );
  });

  it('leaves everything else alone', () => {
    expect(storeOutage(new TypeError('x is undefined'))).toBeUndefined();
    expect(storeOutage('a string')).toBeUndefined();
    expect(storeOutage(undefined)).toBeUndefined();
  });
});

describe('DependencyState', () => {
  it('logs one line when a store goes down and one when it is back, however many errors between', () => {
    const lines: string[] = [];
    const log = (l: string) => void lines.push(l);
    let now = 1_000;
    const state = new DependencyState({ warn: log, log }, () => now);
    for (let i = 0; i < 100; i++) state.report(new Error('Connection is closed.'));
    expect(state.isDown('redis')).toBe(true);
    now += 2_500;
    state.up('redis');
    state.up('redis');
    expect(lines).toEqual(['redis unavailable: Connection is closed.', 'redis available again after 2.5 s']);
    expect(state.isDown('redis')).toBe(false);
  });

  it('does not record errors that are not outages', () => {
    const lines: string[] = [];
    const state = new DependencyState({ warn: (l) => void lines.push(l), log: (l) => void lines.push(l) });
    expect(state.report(new TypeError('bug'))).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
