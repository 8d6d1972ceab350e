import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { PublicUserDto, UserSearchQuery } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiSignedIn()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: PublicUserDto })
  async me(@CurrentUser() me: AuthUser): Promise<PublicUserDto> {
    return PublicUserDto.of(await this.users.get(me.id));
  }

  @Get()
  @ApiOperation({ summary: 'Find users by username or display name (the caller left out)' })
  @ApiOkResponse({ type: [PublicUserDto] })
  @ApiErrors(400)
  async searchUsers(@CurrentUser() me: AuthUser, @Query() q: UserSearchQuery): Promise<PublicUserDto[]> {
    return (await this.users.search(q.search, me.id)).map(PublicUserDto.of);
  }
}
