import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '../common/app-error';
import { validatePayload } from '../common/validation';
import { LoginDto } from './auth.dto';
import { IS_PUBLIC } from '../common/public.decorator';

/** Global guard: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    if (ctx.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    return isPublic ? true : super.canActivate(ctx);
  }

  // passport-jwt reports a bad token as "no user"; an `err` comes from validate() (a ban, or the user lookup
  // failing): it is not the token's fault, so it goes to the filter as it is (a Postgres outage is 503).
  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw AppError.unauthorized('missing, expired or invalid access token');
    return user;
  }
}

/** Guards run before pipes: the login body is validated here so a malformed one is 400, not 401. */
@Injectable()
export class LoginBodyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    validatePayload(LoginDto, ctx.switchToHttp().getRequest<{ body: unknown }>().body);
    return true;
  }
}

@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  // A wrong password is "no user"; an `err` is verifyCredentials failing (a Postgres outage is 503, not 401).
  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw AppError.unauthorized('wrong username or password');
    return user;
  }
}
