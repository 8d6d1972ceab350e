import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { User } from '../users/users.repository';
import type { AuthUser } from '../common/auth-user';
import { ChangePasswordDto, LoginDto, RefreshDto, RegisterDto, SessionDto, TokensDto } from './auth.dto';
import { AuthService } from './auth.service';
import { CurrentUser } from '../common/current-user.decorator';
import { LocalAuthGuard, LoginBodyGuard } from './guards';
import { Public } from '../common/public.decorator';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @UseGuards(ThrottlerGuard)
  @ApiCreatedResponse({ type: SessionDto })
  register(@Body() body: RegisterDto): Promise<SessionDto> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard, LoginBodyGuard, LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: SessionDto })
  @ApiTooManyRequestsResponse({ description: 'too many attempts from this address or for this account' })
  login(@CurrentUser() user: User): Promise<SessionDto> {
    return this.auth.session(user);
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOkResponse({ type: TokensDto })
  refresh(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refreshSession(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: "Ends the refresh token's session: its access tokens and sockets stop working" })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}

/** Calls on the signed-in user's credentials: they need an access token, unlike AuthController's. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class AuthAccountController {
  constructor(private readonly auth: AuthService) {}

  @Post('password')
  @HttpCode(204)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({
    summary: 'Changes the password and ends every other session of the user',
    description:
      'The calling session stays signed in with its tokens; every other session is revoked, its access ' +
      'tokens refused (401) and its sockets disconnected.',
  })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'the current password is wrong' })
  @ApiTooManyRequestsResponse({ description: 'too many failed attempts for this account' })
  async changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword);
  }
}
