import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { PresenceModule } from './presence.module';
import { PresenceRoleService } from './presence-role.service';

/** The presence role: the timeout sweeper and the offline fan-out. */
@Module({ imports: [PresenceModule, UsersModule], providers: [PresenceRoleService] })
export class PresenceRoleModule {}
