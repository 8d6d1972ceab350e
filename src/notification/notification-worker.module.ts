import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { UsersModule } from '../users/users.module';
import { PushProcessor } from './push.processor';
import { PushRelevance } from './push-relevance';
import { PushWindowReader } from './push-window.reader';
import { SendPushService } from './send-push.service';

/**
 * The worker role's push consumer. Needs the global NotificationModule (providers, options), the global
 * PresenceStore (PresenceStoreModule) and HistoryStore (MessagingModule).
 */
@Module({
  imports: [DevicesModule, UsersModule],
  providers: [PushProcessor, SendPushService, PushRelevance, PushWindowReader],
})
export class NotificationWorkerModule {}
