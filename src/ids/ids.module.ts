import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { IdGenerator } from './id-generator';
import { FixedNodeIdLease, NodeIdLease } from './node-id-lease';
import { RedisNodeIdLease } from './redis-node-id-lease';

@Global()
@Module({})
export class IdsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IdsModule,
      providers: [
        config.topology.sharedState === 'redis'
          ? { provide: NodeIdLease, useClass: RedisNodeIdLease }
          : { provide: NodeIdLease, useClass: FixedNodeIdLease },
        IdGenerator,
      ],
      exports: [IdGenerator],
    };
  }
}
