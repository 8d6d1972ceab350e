import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { HeartbeatBatcher } from './heartbeat-batcher';
import { InMemoryPresenceStore } from './in-memory-presence.store';
import { PresenceSweeper } from './presence-sweeper';
import { PresenceStoreModule } from './presence-store.module';
import { presenceOptions } from './presence.options';
import { PresenceStore } from './presence.store';

describe('PresenceStoreModule', () => {
  const embedded = (env: Record<string, string> = {}) =>
    loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'presence-')), ...env });

  it('binds the in-memory store without REDIS_URL, and leaves the sweeper stopped', async () => {
    const config = embedded();
    const app = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), PresenceStoreModule.forRoot(config)],
    }).compile();
    await app.init();
    expect(app.get(PresenceStore)).toBeInstanceOf(InMemoryPresenceStore);
    expect(app.get(HeartbeatBatcher)).toBeInstanceOf(HeartbeatBatcher);
    expect(app.get(PresenceSweeper).started).toBe(false);
    await app.close();
  });

  it('derives the periods from PRESENCE_TIMEOUT_MS, shrinking them for short timeouts', () => {
    expect(presenceOptions(embedded())).toMatchObject({
      timeoutMs: 30_000,
      flushIntervalMs: 5_000,
      sweepIntervalMs: 1_000,
      disconnectGraceMs: 5_000,
    });
    expect(presenceOptions(embedded({ PRESENCE_TIMEOUT_MS: '2000' }))).toMatchObject({
      timeoutMs: 2_000,
      flushIntervalMs: 500,
      sweepIntervalMs: 500,
      disconnectGraceMs: 500,
    });
  });

  it('refuses a flush interval that could let a live device time out', () => {
    expect(() => presenceOptions(embedded(), { flushIntervalMs: 20_000 })).toThrow(/flushIntervalMs/);
    expect(() => presenceOptions(embedded(), { shards: 0 })).toThrow(/shards/);
  });
});
