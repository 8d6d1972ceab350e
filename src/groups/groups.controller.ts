import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { AddMembersDto, CreateGroupDto, GroupDto, SetRoleDto } from './groups.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiSignedIn()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a group owned by the caller' })
  @ApiCreatedResponse({ type: GroupDto })
  @ApiErrors(400, [404, 'a member is not a user'], [409, 'more than 100 members'], 413)
  createGroup(@CurrentUser() me: AuthUser, @Body() body: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(me.id, body.name, body.memberIds);
  }

  @Get()
  @ApiOperation({ summary: 'The groups the caller is in' })
  @ApiOkResponse({ type: [GroupDto] })
  listMyGroups(@CurrentUser() me: AuthUser): Promise<GroupDto[]> {
    return this.groups.mine(me.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A group the caller is in' })
  @ApiOkResponse({ type: GroupDto })
  @ApiErrors([403, 'not a member of this group'], [404, 'no such group'])
  getGroup(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<GroupDto> {
    return this.groups.get(me.id, id);
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add members (the owner or an admin)' })
  @ApiOkResponse({ type: GroupDto })
  @ApiErrors(
    400,
    [403, 'not the owner or an admin of this group'],
    [404, 'no such group, or a user that does not exist'],
    [409, 'more than 100 members'],
    413,
  )
  addGroupMembers(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Body() body: AddMembersDto,
  ): Promise<GroupDto> {
    return this.groups.addMembers(me.id, id, body.userIds);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member, or leave the group (userId is the caller)' })
  @ApiNoContentResponse({ description: 'removed, or left when userId is the caller' })
  @ApiErrors([403, 'not allowed to remove this member'], [404, 'no such group or member'])
  async removeGroupMember(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.groups.removeMember(me.id, id, userId);
  }

  @Patch(':id/members/:userId')
  @ApiOperation({ summary: 'Make a member an admin or back (the owner only)' })
  @ApiOkResponse({ type: GroupDto, description: 'the owner makes a member an admin or back' })
  @ApiErrors(
    [400, 'a malformed body, or the owner as the target'],
    [403, 'not the owner of this group'],
    [404, 'no such group or member'],
    413,
  )
  setGroupMemberRole(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: SetRoleDto,
  ): Promise<GroupDto> {
    return this.groups.setRole(me.id, id, userId, body.role);
  }
}
