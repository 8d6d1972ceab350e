import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { redisOrEmbedded } from '../redis/redis-or-embedded';
import { UsersModule } from '../users/users.module';
import { AccessAuthenticator } from './access-authenticator';
import { AccessTokens } from './access-token';
import { AuthService } from './auth.service';
import { InMemoryLoginThrottle, LoginThrottle, RedisLoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokenRepository } from './refresh-token.repository';
import { RefreshTokens } from './refresh-tokens';

/**
 * Tokens and credentials; no transport. The api role adds AuthHttpModule; both it and the chat role's
 * handshake admit a bearer through AccessAuthenticator.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [
        UsersModule,
        TypeOrmModule.forFeature([RefreshTokenEntity]),
        JwtModule.register({
          secret: config.jwtKey,
          signOptions: {
            algorithm: 'HS256',
            issuer: config.jwt.issuer,
            audience: config.jwt.audience,
            expiresIn: config.jwt.accessTtlSeconds,
          },
          verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer, audience: config.jwt.audience },
        }),
      ],
      providers: [
        AccessTokens,
        AccessAuthenticator,
        PasswordHasher,
        RefreshTokenRepository,
        RefreshTokens,
        AuthService,
        // Per username across every api process when distributed, in memory when embedded.
        redisOrEmbedded(
          LoginThrottle,
          'the per-account login limit',
          (c) => new InMemoryLoginThrottle(c),
          (c, redis) => new RedisLoginThrottle(c, redis),
        ),
      ],
      exports: [AccessTokens, AccessAuthenticator, RefreshTokens, AuthService],
    };
  }
}
