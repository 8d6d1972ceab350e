import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length, MaxLength, MinLength } from 'class-validator';
import type { Group } from './groups.repository';
import type { Assert, SameType } from '../common/same-type';
import type {
  AddGroupMembersRequest,
  CreateGroupRequest,
  Group as GroupShape,
  GroupMember,
  GroupRole,
  SetGroupRoleRequest,
} from '../contract';

export class CreateGroupDto {
  @ApiProperty({ maxLength: 100 }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ type: [String], description: 'initial members besides the creator (at most 99)' })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  memberIds!: string[];
}

export class AddMembersDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  userIds!: string[];
}

export class SetRoleDto {
  @ApiProperty({ enum: ['admin', 'member'] }) @IsIn(['admin', 'member']) role!: 'admin' | 'member';
}

export class GroupMemberDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role!: GroupRole;
}

export class GroupDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({ type: [GroupMemberDto] }) members!: GroupMemberDto[];

  static of(g: Group): GroupDto {
    return {
      id: g.id,
      name: g.name,
      ownerId: g.ownerId,
      members: g.members.map((m) => ({ userId: m.userId, role: m.role })),
    };
  }
}

export type CreateGroupDtoIsTheContract = Assert<SameType<CreateGroupDto, CreateGroupRequest>>;
export type AddMembersDtoIsTheContract = Assert<SameType<AddMembersDto, AddGroupMembersRequest>>;
export type SetRoleDtoIsTheContract = Assert<SameType<SetRoleDto, SetGroupRoleRequest>>;
export type GroupMemberDtoIsTheContract = Assert<SameType<GroupMemberDto, GroupMember>>;
export type GroupDtoIsTheContract = Assert<SameType<GroupDto, GroupShape>>;
