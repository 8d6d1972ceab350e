import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { SqliteWriter } from '../../src/database/sqlite-writer';
import { SqlHistoryStore } from '../../src/messaging/history/sql-history.store';
import { SqliteHistoryStore } from '../../src/messaging/history/sqlite-history.store';
import { tempDataDir } from '../support/app';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';
import { historyContract } from './history.contract';

async function sqlStore(databaseUrl?: string) {
  const ds = await migratedDataSource(databaseUrl);
  return { store: new SqlHistoryStore(ds), close: () => ds.destroy() };
}

describe('history contract: SQL adapter on embedded SQLite', () => {
  historyContract(() => sqlStore());
});

describe('history contract: SQLite adapter with group commit', () => {
  historyContract(async () => {
    const ds = await new DataSource(
      dataSourceOptions({ dataDir: tempDataDir(), migrateOnStart: false }),
    ).initialize();
    const writer = new SqliteWriter(ds);
    return {
      store: new SqliteHistoryStore(writer),
      close: async () => {
        await writer.onApplicationShutdown();
        await ds.destroy();
      },
    };
  });
});

describeWith(['postgres'], 'history contract: SQL adapter on Postgres', ({ postgres }) => {
  historyContract(() => sqlStore(postgres));
});
