import { DynamicModule, Module } from '@nestjs/common';
import { CassandraModule } from '../cassandra/cassandra.module';
import { AppConfig } from '../config/app-config';
import { GroupsModule } from '../groups/groups.module';
import { UsersModule } from '../users/users.module';
import { ChannelAccess } from './channel-access';
import { CassandraSendDedupe } from './dedupe/cassandra-send-dedupe';
import { SendDedupe } from './dedupe/send-dedupe';
import { SqlSendDedupe } from './dedupe/sql-send-dedupe';
import { FanoutEnqueuer } from './fanout-enqueuer';
import { GroupFanoutService } from './group-fanout.service';
import { CassandraHistoryStore } from './history/cassandra-history.store';
import { HistoryStore } from './history/history.store';
import { SqlHistoryStore } from './history/sql-history.store';
import { SqliteHistoryStore } from './history/sqlite-history.store';
import { SqliteWriter } from '../database/sqlite-writer';
import { SqliteSendDedupe } from './dedupe/sqlite-send-dedupe';
import { MessagePublisher } from './message-publisher';
import { OfflinePush } from './offline-push.service';
import { ReadMessagesService } from './read-messages.service';
import { SendMessageService } from './send-message.service';
import { ClaimThenStore, SendStore } from './send-store/send-store';
import { SqliteSendStore } from './send-store/sqlite-send-store';

/** Messaging services and their stores; the adapters are picked by configuration, never by NODE_ENV. */
@Module({})
export class MessagingModule {
  static forRoot(config: AppConfig): DynamicModule {
    // History goes to Cassandra when its contact points are set, else to the relational store.
    const cassandra = config.cassandra.contactPoints.length > 0;
    // Without DATABASE_URL the store is the embedded SQLite file, written through one group commit.
    const embedded = !config.databaseUrl;
    const services = [
      ChannelAccess,
      ReadMessagesService,
      MessagePublisher,
      OfflinePush,
      GroupFanoutService,
      FanoutEnqueuer,
      SendMessageService,
    ];
    return {
      module: MessagingModule,
      global: true,
      imports: [UsersModule, GroupsModule, ...(cassandra ? [CassandraModule] : [])],
      providers: [
        {
          provide: HistoryStore,
          useClass: cassandra ? CassandraHistoryStore : embedded ? SqliteHistoryStore : SqlHistoryStore,
        },
        {
          // The binding lives beside the message it guards, in durable storage (never only in Redis, which may
          // lose its data: a resend would then be stored twice).
          provide: SendDedupe,
          useClass: cassandra ? CassandraSendDedupe : embedded ? SqliteSendDedupe : SqlSendDedupe,
        },
        ...(embedded ? [SqliteWriter] : []),
        {
          // One transaction for claim and rows when both live in the embedded file; else claim, then write.
          provide: SendStore,
          inject: [SendDedupe, HistoryStore],
          useFactory: (dedupe: SendDedupe, history: HistoryStore) =>
            dedupe instanceof SqliteSendDedupe && history instanceof SqliteHistoryStore
              ? new SqliteSendStore(dedupe)
              : new ClaimThenStore(dedupe, history),
        },
        ...services,
      ],
      exports: [HistoryStore, SendDedupe, SendStore, ...services],
    };
  }
}
