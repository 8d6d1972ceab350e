import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendsRepository } from './friends.repository';
import { FriendsService } from './friends.service';

@Module({
  imports: [UsersModule, PresenceModule, TypeOrmModule.forFeature([FriendRequestEntity])],
  providers: [FriendsRepository, FriendsService],
  exports: [FriendsRepository, FriendsService],
})
export class FriendsModule {}
