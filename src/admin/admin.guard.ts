import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user';
import { AppError } from '../common/app-error';

/** Every /api/admin route: the bearer must hold the admin role (read from the store on each request: ADMIN_USERNAMES or granted at run time). */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const user = ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user?.role !== 'admin') throw AppError.forbidden('admin role required');
    return true;
  }
}
