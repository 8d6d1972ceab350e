import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { AdminOpsService } from './admin-ops.service';
import { AdminUsersService } from './admin-users.service';
import { AdminGuard } from './admin.guard';
import {
  AdminUserDto,
  AnnouncementDto,
  AuditQuery,
  FailedJobsQuery,
  PageQuery,
  UserPageQuery,
} from './admin.dto';
import { AuditRepository } from './audit.repository';

/** The operators' API. Every route needs the admin role; everyone else gets 403 forbidden. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'not an admin' })
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly ops: AdminOpsService,
    private readonly audit: AuditRepository,
  ) {}

  @Get('users')
  listUsers(@Query() q: UserPageQuery) {
    return this.users.list(q);
  }

  @Get('users/:id')
  @ApiOkResponse({ type: AdminUserDto })
  showUser(@Param('id') id: string) {
    return this.users.show(id);
  }

  @Post('users/:id/ban')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminUserDto, description: 'banned; the user is disconnected everywhere' })
  ban(@CurrentUser() me: AuthUser, @Param('id') id: string) {
    return this.users.ban(me.id, id);
  }

  @Post('users/:id/unban')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminUserDto })
  unban(@CurrentUser() me: AuthUser, @Param('id') id: string) {
    return this.users.unban(me.id, id);
  }

  @Post('users/:id/logout')
  @HttpCode(204)
  async forceLogout(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<void> {
    await this.users.forceLogout(me.id, id);
  }

  @Get('groups')
  listGroups(@Query() q: PageQuery) {
    return this.ops.listGroups(q.offset, q.limit);
  }

  @Get('groups/:id')
  showGroup(@Param('id') id: string) {
    return this.ops.showGroup(id);
  }

  @Delete('groups/:id')
  @HttpCode(204)
  async deleteGroup(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<void> {
    await this.ops.deleteGroup(me.id, id);
  }

  @Get('chat-nodes')
  chatNodes() {
    return this.ops.chatNodes();
  }

  @Get('queues')
  queues() {
    return this.ops.queues();
  }

  @Get('queues/:name/failed')
  failed(@Param('name') name: string, @Query() q: FailedJobsQuery) {
    return this.ops.failedJobs(name, q.limit);
  }

  @Post('queues/:name/failed/:jobId/retry')
  @HttpCode(204)
  async retry(
    @CurrentUser() me: AuthUser,
    @Param('name') name: string,
    @Param('jobId') jobId: string,
  ): Promise<void> {
    await this.ops.retryJob(me.id, name, jobId);
  }

  @Get('stats')
  stats() {
    return this.ops.stats();
  }

  @Post('announcements')
  @HttpCode(200)
  announce(@CurrentUser() me: AuthUser, @Body() body: AnnouncementDto) {
    return this.ops.announce(me.id, body.text);
  }

  @Get('audit')
  auditLog(@Query() q: AuditQuery) {
    return this.audit.list(q.limit ?? 50, q.before);
  }
}
