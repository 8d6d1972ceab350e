import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { ChannelAccess } from './channel-access';
import { RedisSendDedupe } from './dedupe/redis-send-dedupe';
import { SendDedupe } from './dedupe/send-dedupe';
import { SqlSendDedupe } from './dedupe/sql-send-dedupe';
import { HistoryStore } from './history/history.store';
import { SqlHistoryStore } from './history/sql-history.store';
import { ReadMessagesService } from './read-messages.service';

/** Messaging services and their stores; the adapters are picked by configuration, never by NODE_ENV. */
@Module({})
export class MessagingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [UsersModule],
      providers: [
        { provide: HistoryStore, useClass: SqlHistoryStore },
        { provide: SendDedupe, useClass: config.redisUrl ? RedisSendDedupe : SqlSendDedupe },
        ChannelAccess,
        ReadMessagesService,
      ],
      exports: [HistoryStore, SendDedupe, ChannelAccess, ReadMessagesService],
    };
  }
}
