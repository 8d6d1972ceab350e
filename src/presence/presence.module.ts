import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { PresenceNotifier } from './presence-notifier';
import { PresenceQuery } from './presence-query.service';

/** Reading and announcing presence, for every role (the store itself is PresenceStoreModule). */
@Module({
  imports: [UsersModule],
  providers: [PresenceQuery, PresenceNotifier],
  exports: [PresenceQuery, PresenceNotifier],
})
export class PresenceModule {}
