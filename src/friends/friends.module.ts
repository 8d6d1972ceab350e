import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { FriendRequestEntity } from './friend-request.entity';
import { FriendsRepository } from './friends.repository';
import { FriendsService } from './friends.service';

@Module({
  imports: [UsersModule, TypeOrmModule.forFeature([FriendRequestEntity])],
  providers: [FriendsRepository, FriendsService],
  exports: [FriendsRepository, FriendsService],
})
export class FriendsModule {}
