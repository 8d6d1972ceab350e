import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { User } from '../users/users.repository';
import type { AuthUser } from '../common/auth-user';
import { ChangePasswordDto, LoginDto, RefreshDto, RegisterDto, SessionDto, TokensDto } from './auth.dto';
import { AuthService } from './auth.service';
import { CurrentUser } from '../common/current-user.decorator';
import { LocalAuthGuard, LoginBodyGuard } from './guards';
import { Public } from '../common/public.decorator';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiCreatedResponse({ type: SessionDto })
  @ApiErrors(400, [409, 'the username is taken'], 413, 429, 503)
  register(@Body() body: RegisterDto): Promise<SessionDto> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard, LoginBodyGuard, LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiOperation({ summary: 'Sign in with username and password' })
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors(
    400,
    [401, 'wrong username or password'],
    [403, 'the account is banned'],
    413,
    [429, 'too many attempts from this address or for this account'],
    503,
  )
  login(@CurrentUser() user: User): Promise<SessionDto> {
    return this.auth.session(user);
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Trade a refresh token for new tokens (the old refresh token stops working)' })
  @ApiOkResponse({ type: TokensDto })
  @ApiErrors(
    400,
    [401, 'the refresh token is invalid, expired or revoked (a reused one revokes its session)'],
    [403, 'the account is banned'],
    413,
    429,
    503,
  )
  refreshTokens(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refreshSession(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: "End the refresh token's session: its access tokens and sockets stop working" })
  @ApiNoContentResponse()
  @ApiErrors(400, 413, 503)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}

/** Calls on the signed-in user's credentials: they need an access token, unlike AuthController's. */
@ApiTags('auth')
@ApiSignedIn()
@Controller('auth')
export class AuthAccountController {
  constructor(private readonly auth: AuthService) {}

  @Post('password')
  @HttpCode(204)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({
    summary: 'Change the password and end every other session of the user',
    description:
      'The calling session stays signed in with its tokens; every other session is revoked, its access ' +
      'tokens refused (401) and its sockets disconnected.',
  })
  @ApiNoContentResponse()
  @ApiErrors(400, [403, 'the current password is wrong, or the account is banned'], 413, [
    429,
    'too many failed attempts for this account',
  ])
  async changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, body.currentPassword, body.newPassword);
  }
}
