import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module';
import { AuthAccountController, AuthController } from './auth.controller';
import { JwtAuthGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { LocalStrategy } from './local.strategy';

/** The auth REST endpoints and the global bearer-token guard for every HTTP route. */
@Module({
  imports: [PassportModule, UsersModule],
  controllers: [AuthController, AuthAccountController],
  providers: [JwtStrategy, LocalStrategy, { provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AuthHttpModule {}
