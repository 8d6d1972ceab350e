import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MessagePublisher } from '../messaging/message-publisher';
import { SendMessageService } from '../messaging/send-message.service';
import { UsersModule } from '../users/users.module';
import { ChatGateway } from './chat.gateway';
import { SendRateLimiter } from './send-rate-limiter';
import { SocketPublisher } from './socket-publisher';

/** The chat role: the Socket.IO gateway and the send path it drives. */
@Module({})
export class ChatGatewayModule {
  static forRoot(_config: AppConfig): DynamicModule {
    return {
      module: ChatGatewayModule,
      imports: [UsersModule],
      providers: [
        ChatGateway,
        SendRateLimiter,
        SocketPublisher,
        { provide: MessagePublisher, useExisting: SocketPublisher },
        SendMessageService,
      ],
    };
  }
}
