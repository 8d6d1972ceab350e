import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConversationStore } from './conversation-store';
import { SqlConversationStore } from './sql-conversation.store';
import { SqliteConversationStore } from './sqlite-conversation.store';

/** The conversation state store, beside the rest of the relational data (AppConfig.topology.relational). */
@Module({})
export class ConversationsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const store = config.topology.relational === 'sqlite' ? SqliteConversationStore : SqlConversationStore;
    return {
      module: ConversationsModule,
      global: true,
      providers: [{ provide: ConversationStore, useClass: store }],
      exports: [ConversationStore],
    };
  }
}
