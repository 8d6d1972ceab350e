import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError } from '../common/app-error';
import { validatePayload } from '../common/validation';
import { LoginDto } from './auth.dto';
import { IS_PUBLIC } from './public.decorator';

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

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err instanceof AppError) throw err;
    if (err || !user) throw AppError.unauthorized('missing, expired or invalid access token');
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
  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err instanceof AppError) throw err;
    if (err || !user) throw AppError.unauthorized('wrong username or password');
    return user;
  }
}
