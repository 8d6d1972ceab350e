import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { GroupDto } from '../groups/groups.dto';
import { QUEUE_NAMES, QueueName } from '../queue/job-catalogue';
import type { JobCounts } from '../queue/job-queue';
import { AdminOpsService } from './admin-ops.service';
import { AdminUsersService } from './admin-users.service';
import { AdminGuard } from './admin.guard';
import {
  AdminGroupPageDto,
  AdminUserDto,
  AdminUserPageDto,
  AnnouncementDto,
  AnnouncementSentDto,
  AuditEntryDto,
  AuditQuery,
  ChatNodeLoadDto,
  DashboardLinkDto,
  FailedJobDto,
  FailedJobsQuery,
  JobCountsDto,
  PageQuery,
  SetRoleDto,
  StatsDto,
  UserPageQuery,
} from './admin.dto';
import { AuditRepository } from './audit.repository';
import { DashboardSessions } from './dashboard-sessions';

/** The operators' API. Every route needs the admin role; everyone else gets 403 forbidden. */
@ApiTags('admin')
@ApiSignedIn('not an admin, or the account is banned')
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly ops: AdminOpsService,
    private readonly audit: AuditRepository,
    private readonly dashboards: DashboardSessions,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'List users, optionally by username prefix' })
  @ApiOkResponse({ type: AdminUserPageDto })
  @ApiErrors(400)
  listUsers(@Query() q: UserPageQuery): Promise<AdminUserPageDto> {
    return this.users.list(q);
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'Show a user with role, ban and presence' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(404)
  showUser(@Param('id') id: string): Promise<AdminUserDto> {
    return this.users.show(id);
  }

  @Post('users/:id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a user: their sessions end and their sockets are disconnected everywhere' })
  @ApiOkResponse({ type: AdminUserDto, description: 'banned; the user is disconnected everywhere' })
  @ApiErrors([400, 'an admin cannot ban themselves'], 404)
  banUser(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<AdminUserDto> {
    return this.users.ban(me.id, id);
  }

  @Post('users/:id/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a ban' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(404)
  unbanUser(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<AdminUserDto> {
    return this.users.unban(me.id, id);
  }

  @Put('users/:id/role')
  @ApiOperation({
    summary: 'Grant or revoke the admin role; it takes effect on the user’s next request, audited',
  })
  @ApiOkResponse({ type: AdminUserDto, description: 'the user with their new role' })
  @ApiErrors([400, 'a role other than admin or user, or an admin revoking their own role'], 404, [
    409,
    'the user is an admin by configuration (ADMIN_USERNAMES)',
  ])
  setUserRole(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Body() body: SetRoleDto,
  ): Promise<AdminUserDto> {
    return this.users.setRole(me.id, id, body.role);
  }

  @Post('users/:id/logout')
  @HttpCode(204)
  @ApiOperation({ summary: "End every session of a user and disconnect the user's sockets" })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async logoutUser(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<void> {
    await this.users.forceLogout(me.id, id);
  }

  @Get('groups')
  @ApiOperation({ summary: 'List every group, a page at a time' })
  @ApiOkResponse({ type: AdminGroupPageDto })
  @ApiErrors(400)
  listGroups(@Query() q: PageQuery): Promise<AdminGroupPageDto> {
    return this.ops.listGroups(q.offset, q.limit);
  }

  @Get('groups/:id')
  @ApiOperation({ summary: 'Show any group with its members' })
  @ApiOkResponse({ type: GroupDto })
  @ApiErrors(404)
  showGroup(@Param('id') id: string): Promise<GroupDto> {
    return this.ops.showGroup(id);
  }

  @Delete('groups/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a group' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async deleteGroup(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<void> {
    await this.ops.deleteGroup(me.id, id);
  }

  @Get('chat-nodes')
  @ApiOperation({ summary: 'The chat nodes discovery sees as healthy, with their load' })
  @ApiOkResponse({ type: [ChatNodeLoadDto] })
  listChatNodes(): Promise<ChatNodeLoadDto[]> {
    return this.ops.chatNodes();
  }

  @Get('queues')
  @ApiOperation({ summary: 'Job counts of every queue, by state' })
  @ApiExtraModels(JobCountsDto)
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: Object.fromEntries(QUEUE_NAMES.map((q) => [q, { $ref: getSchemaPath(JobCountsDto) }])),
      required: [...QUEUE_NAMES],
    },
  })
  queueCounts(): Promise<Record<QueueName, JobCounts>> {
    return this.ops.queues();
  }

  @Get('queues/:name/failed')
  @ApiOperation({ summary: "A queue's most recently failed jobs" })
  @ApiOkResponse({ type: [FailedJobDto] })
  @ApiErrors(400, [404, 'no queue of that name'])
  listFailedJobs(@Param('name') name: string, @Query() q: FailedJobsQuery): Promise<FailedJobDto[]> {
    return this.ops.failedJobs(name, q.limit);
  }

  @Post('queues/:name/failed/:jobId/retry')
  @HttpCode(204)
  @ApiOperation({ summary: 'Put a failed job back to waiting with a fresh set of attempts' })
  @ApiNoContentResponse()
  @ApiErrors([404, 'no queue of that name, or no such failed job'])
  async retryFailedJob(
    @CurrentUser() me: AuthUser,
    @Param('name') name: string,
    @Param('jobId') jobId: string,
  ): Promise<void> {
    await this.ops.retryJob(me.id, name, jobId);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Live figures: users online, sockets, message rate, chat nodes' })
  @ApiOkResponse({ type: StatsDto })
  stats(): Promise<StatsDto> {
    return this.ops.stats();
  }

  @Post('announcements')
  @HttpCode(200)
  @ApiOperation({ summary: 'Broadcast a system announcement to every connected socket' })
  @ApiOkResponse({ type: AnnouncementSentDto })
  @ApiErrors(400, 413)
  announce(@CurrentUser() me: AuthUser, @Body() body: AnnouncementDto): Promise<AnnouncementSentDto> {
    return this.ops.announce(me.id, body.text);
  }

  @Post('dashboards/session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A one-minute sign-in link to the queue dashboard (Bull Board) for a browser; audited',
  })
  @ApiOkResponse({ type: DashboardLinkDto })
  @ApiErrors([404, 'the dashboards are off here (DASHBOARDS=false, or embedded mode without BullMQ)'])
  async dashboardSession(@CurrentUser() me: AuthUser): Promise<DashboardLinkDto> {
    const link = this.dashboards.signInLink(me);
    await this.audit.record({
      actorId: me.id,
      action: 'dashboard.session',
      targetType: 'dashboard',
      targetId: 'queues',
    });
    return link;
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log of admin actions, newest first' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiErrors(400)
  listAudit(@Query() q: AuditQuery): Promise<AuditEntryDto[]> {
    return this.audit.list(q.limit ?? 50, q.before);
  }
}
