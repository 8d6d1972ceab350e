import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './run-migrations';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    const options = dataSourceOptions({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      migrateOnStart: false,
    });
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // A store that is down at start-up fails the start quickly and visibly instead of retrying for minutes.
          useFactory: () => ({ ...options, retryAttempts: 2, retryDelay: 500 }),
          dataSourceFactory: async (opts) => {
            const ds = await new DataSource(opts as DataSourceOptions).initialize();
            if (config.migrateOnStart) await runMigrationsLocked(ds);
            return ds;
          },
        }),
      ],
    };
  }
}
