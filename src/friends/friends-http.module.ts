import { Module } from '@nestjs/common';
import { FriendsController } from './friends.controller';
import { FriendsModule } from './friends.module';

@Module({ imports: [FriendsModule], controllers: [FriendsController] })
export class FriendsHttpModule {}
