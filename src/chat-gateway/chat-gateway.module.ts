import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { PresenceModule } from '../presence/presence-features.module';
import { UsersModule } from '../users/users.module';
import { ChatDrain } from './chat-drain.service';
import { ChatGateway } from './chat.gateway';
import { SendRateLimiter } from './send-rate-limiter';

/** The chat role: the Socket.IO gateway. The send path itself lives in MessagingModule. */
@Module({
  imports: [UsersModule, FriendsModule, PresenceModule],
  providers: [ChatGateway, SendRateLimiter, ChatDrain],
})
export class ChatGatewayModule {}
