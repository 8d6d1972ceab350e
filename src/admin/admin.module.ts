import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { AdminOpsService } from './admin-ops.service';
import { AdminRoles } from './admin-roles.service';
import { AdminUsersService } from './admin-users.service';
import { AdminController } from './admin.controller';
import { AuditRepository } from './audit.repository';
import { DashboardSessions } from './dashboard-sessions';

/** /api/admin: loaded by the api role. */
@Module({
  imports: [UsersModule, GroupsModule, PresenceModule],
  controllers: [AdminController],
  providers: [AdminUsersService, AdminOpsService, AdminRoles, AuditRepository, DashboardSessions],
})
export class AdminHttpModule {}
