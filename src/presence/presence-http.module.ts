import { Module } from '@nestjs/common';
import { FriendsModule } from '../friends/friends.module';
import { PresenceController } from './presence.controller';

/** GET /api/presence: friends only, so it asks FriendsService. */
@Module({ imports: [FriendsModule], controllers: [PresenceController] })
export class PresenceHttpModule {}
