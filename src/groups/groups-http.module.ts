import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller';
import { GroupsModule } from './groups.module';

@Module({ imports: [GroupsModule], controllers: [GroupsController] })
export class GroupsHttpModule {}
