import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CassandraModule } from '../cassandra/cassandra.module';
import { AppConfig, Topology } from '../config/app-config';
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
import { SqliteSendDedupe } from './dedupe/sqlite-send-dedupe';
import { MessagePublisher } from './message-publisher';
import { ReadMessagesService } from './read-messages.service';
import { SendMessageService } from './send-message.service';
import { MessageChangesService } from './message-changes.service';
import { ReadMarkersService } from './read-markers.service';
import { ConversationsService } from './conversations.service';
import { InMemoryTypingGate, RedisTypingGate, TypingGate, TypingService } from './typing.service';
import { redisOrEmbedded } from '../redis/redis-or-embedded';
import { ClaimThenStore, SendStore } from './send-store/send-store';
import { SqliteSendStore } from './send-store/sqlite-send-store';

/**
 * The stores of history, per the topology's history: the send dedupe binding always lives beside the message it
 * guards, in durable storage (never only in Redis, which may lose its data: a resend would then be stored twice).
 */
const STORES: Record<Topology['history'], Provider[]> = {
  // The embedded file, written through one group commit: claim and rows in one transaction.
  sqlite: [
    SqliteSendDedupe,
    { provide: SendDedupe, useExisting: SqliteSendDedupe },
    { provide: HistoryStore, useClass: SqliteHistoryStore },
    { provide: SendStore, useClass: SqliteSendStore },
  ],
  // Elsewhere the claim comes first, then the rows are written concurrently.
  postgres: [
    { provide: SendDedupe, useClass: SqlSendDedupe },
    { provide: HistoryStore, useClass: SqlHistoryStore },
    { provide: SendStore, useClass: ClaimThenStore },
  ],
  cassandra: [
    { provide: SendDedupe, useClass: CassandraSendDedupe },
    { provide: HistoryStore, useClass: CassandraHistoryStore },
    { provide: SendStore, useClass: ClaimThenStore },
  ],
};

/** Messaging services and their stores; the adapters follow the topology (AppConfig.topology). */
@Module({})
export class MessagingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const services = [
      ChannelAccess,
      ReadMessagesService,
      MessagePublisher,
      GroupFanoutService,
      FanoutEnqueuer,
      SendMessageService,
      MessageChangesService,
      TypingService,
      ReadMarkersService,
      ConversationsService,
    ];
    return {
      module: MessagingModule,
      global: true,
      imports: [
        UsersModule,
        GroupsModule,
        ...(config.topology.history === 'cassandra' ? [CassandraModule] : []),
      ],
      providers: [
        ...STORES[config.topology.history],
        ...services,
        redisOrEmbedded(
          TypingGate,
          'the cross-node typing repeat gate',
          () => new InMemoryTypingGate(),
          (_config, redis) => new RedisTypingGate(redis),
        ),
      ],
      exports: [HistoryStore, SendDedupe, SendStore, ...services],
    };
  }
}
