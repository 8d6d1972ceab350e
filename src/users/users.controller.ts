import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { PublicUserDto, UserSearchQuery } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOkResponse({ type: PublicUserDto })
  async me(@CurrentUser() me: AuthUser): Promise<PublicUserDto> {
    return PublicUserDto.of(await this.users.get(me.id));
  }

  @Get()
  @ApiOkResponse({ type: [PublicUserDto] })
  async search(@CurrentUser() me: AuthUser, @Query() q: UserSearchQuery): Promise<PublicUserDto[]> {
    return (await this.users.search(q.search, me.id)).map(PublicUserDto.of);
  }
}
