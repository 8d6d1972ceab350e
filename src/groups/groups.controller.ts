import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { AddMembersDto, CreateGroupDto, GroupDto, SetRoleDto } from './groups.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @ApiCreatedResponse({ type: GroupDto })
  create(@CurrentUser() me: AuthUser, @Body() body: CreateGroupDto): Promise<GroupDto> {
    return this.groups.create(me.id, body.name, body.memberIds);
  }

  @Get()
  @ApiOkResponse({ type: [GroupDto] })
  mine(@CurrentUser() me: AuthUser): Promise<GroupDto[]> {
    return this.groups.mine(me.id);
  }

  @Get(':id')
  @ApiOkResponse({ type: GroupDto })
  get(@CurrentUser() me: AuthUser, @Param('id') id: string): Promise<GroupDto> {
    return this.groups.get(me.id, id);
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiOkResponse({ type: GroupDto })
  add(@CurrentUser() me: AuthUser, @Param('id') id: string, @Body() body: AddMembersDto): Promise<GroupDto> {
    return this.groups.addMembers(me.id, id, body.userIds);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'removed, or left when userId is the caller' })
  async remove(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.groups.removeMember(me.id, id, userId);
  }

  @Patch(':id/members/:userId')
  @ApiOkResponse({ type: GroupDto, description: 'the owner makes a member an admin or back' })
  setRole(
    @CurrentUser() me: AuthUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: SetRoleDto,
  ): Promise<GroupDto> {
    return this.groups.setRole(me.id, id, userId, body.role);
  }
}
