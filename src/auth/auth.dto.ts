import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { PublicUserDto } from '../users/user.dto';
import type { Assert, SameType } from '../common/same-type';
import type {
  ChangePasswordRequest,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  Session,
  Tokens,
} from '../contract';

export class RegisterDto {
  @ApiProperty({ example: 'alice', description: '3 to 32 characters of a-z 0-9 _ . - (stored lower-case)' })
  @IsString()
  @Length(3, 32)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'username may contain only a-z 0-9 _ . -' })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  password!: string;

  @ApiProperty({ required: false, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  displayName?: string;
}

export class LoginDto {
  @ApiProperty() @IsString() @MaxLength(64) username!: string;
  @ApiProperty() @IsString() @MaxLength(128) password!: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MaxLength(256) refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 128 }) @IsString() @MaxLength(128) currentPassword!: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  newPassword!: string;
}

export class TokensDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
}

export class SessionDto extends TokensDto {
  @ApiProperty({ type: PublicUserDto }) user!: PublicUserDto;
}

export type RegisterDtoIsTheContract = Assert<SameType<RegisterDto, RegisterRequest>>;
export type LoginDtoIsTheContract = Assert<SameType<LoginDto, LoginRequest>>;
export type RefreshDtoIsTheContract = Assert<SameType<RefreshDto, RefreshRequest>>;
export type ChangePasswordDtoIsTheContract = Assert<SameType<ChangePasswordDto, ChangePasswordRequest>>;
export type TokensDtoIsTheContract = Assert<SameType<TokensDto, Tokens>>;
export type SessionDtoIsTheContract = Assert<SameType<SessionDto, Session>>;
