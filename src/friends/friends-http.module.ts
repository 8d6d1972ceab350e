import { Module } from '@nestjs/common';
import { FriendsController } from './friends.controller';
import { FriendsModule } from './friends.module';
import { PresenceController } from './presence.controller';

/** /api/friends, and /api/presence: presence over HTTP is visible to friends only, so it is a friends query. */
@Module({ imports: [FriendsModule], controllers: [FriendsController, PresenceController] })
export class FriendsHttpModule {}
