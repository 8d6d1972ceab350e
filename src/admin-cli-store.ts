import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AdminRoles } from './admin/admin-roles.service';
import { AuditRepository } from './admin/audit.repository';
import type { Output } from './admin/cli/rest-commands';
import { AppConfig, loadConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { IdGenerator } from './ids/id-generator';
import { NodeIdLease } from './ids/node-id-lease';
import { RedisNodeIdLease } from './ids/redis-node-id-lease';
import { RedisModule } from './redis/redis.module';
import { UsersModule } from './users/users.module';

/** Audit ids in embedded mode come from a node id the embedded server never uses (it has 0). */
class CliNodeIdLease extends NodeIdLease {
  current(): number {
    return 1023;
  }
  usable(): Promise<number> {
    return Promise.resolve(1023);
  }
}

/** Just what a role change needs: the relational store, ids for the audit entry, users. No listener. */
@Module({})
class AdminStoreModule {
  static forConfig(config: AppConfig): DynamicModule {
    const redis = config.topology.sharedState === 'redis';
    return {
      module: AdminStoreModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, ENTITIES),
        ...(redis ? [RedisModule] : []),
        UsersModule,
      ],
      providers: [
        { provide: NodeIdLease, useClass: redis ? RedisNodeIdLease : CliNodeIdLease },
        IdGenerator,
        AuditRepository,
        AdminRoles,
      ],
    };
  }
}

export async function changeRole(
  role: 'admin' | 'user',
  username: string,
  env: Record<string, string | undefined>,
): Promise<Output> {
  const config = loadConfig(env);
  const ctx = await NestFactory.createApplicationContext(AdminStoreModule.forConfig(config), {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    const user = await ctx.get(AdminRoles).setByUsername('cli', username, role);
    return { line: `${user.username} is now ${user.role === 'admin' ? 'an admin' : 'a user'}` };
  } finally {
    await ctx.close();
  }
}
