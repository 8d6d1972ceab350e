import { type Abstract, ConsoleLogger, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { rmSync } from 'node:fs';
import { AppModule } from '../../../src/app.module';
import { loadConfig } from '../../../src/config/app-config';
import { RealtimeEmitter } from '../../../src/realtime/realtime-emitter';
import { tempDataDir } from '../../support/app';
import { Actors, actors } from './builders';
import { RecordingRealtimeEmitter } from './recording-realtime-emitter';

export interface AppAccess {
  /** A provider of the app, as Nest built it (`app.get(GroupsService)`). */
  get<T>(type: Type<T> | Abstract<T>): T;
  /** What would have reached sockets. */
  realtime: RecordingRealtimeEmitter;
}

export type ServiceApp = AppAccess & Actors;

/**
 * The app of one spec file, started before its tests and closed after them: the app's own composition root
 * (AppModule, every role) on the embedded topology, so SQLite in a temp folder, shared state and the job
 * queue in memory, group fan-out inline. Nothing listens: no HTTP server, no Socket.IO server, and the
 * RealtimeEmitter port is a recording stand-in. Tests call services directly, or the builders (`app.send`).
 */
export function serviceApp(env: Record<string, string> = {}): ServiceApp {
  const realtime = new RecordingRealtimeEmitter();
  let module: TestingModule | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = tempDataDir();
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL, ...env });
    module = await Test.createTestingModule({ imports: [AppModule.forRoles(config)] })
      .overrideProvider(RealtimeEmitter)
      .useValue(realtime)
      .setLogger(new ConsoleLogger({ logLevels: ['error', 'fatal'] }))
      .compile();
    await module.init();
  });
  afterAll(async () => {
    await module?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const access: AppAccess = {
    get: (type) => {
      if (!module) throw new Error('the service app runs only inside the tests of the file that made it');
      return module.get(type, { strict: false });
    },
    realtime,
  };
  return { ...access, ...actors(access) };
}
