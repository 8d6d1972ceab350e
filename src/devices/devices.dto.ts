import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmptyObject,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { DEVICE_PLATFORMS, DevicePlatform } from './device.entity';
import type { Assert, SameType } from '../common/same-type';
import type { RegisterDeviceRequest } from '../contract';

/** The same shape the Socket.IO handshake accepts as deviceId. */
export const DEVICE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export class WebPushKeysDto {
  @ApiProperty({ description: "The browser's P-256 public key (base64url)" })
  @IsString()
  @Length(80, 100)
  @Matches(BASE64URL, { message: 'p256dh must be base64url' })
  p256dh!: string;

  @ApiProperty({ description: 'The 16-byte auth secret (base64url)' })
  @IsString()
  @Length(16, 32)
  @Matches(BASE64URL, { message: 'auth must be base64url' })
  auth!: string;
}

/** PushSubscription.toJSON() as a browser gives it. */
export class WebPushSubscriptionDto {
  @ApiProperty({ description: 'https URL of the push service' })
  @IsString()
  @Length(1, 2048)
  endpoint!: string;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @IsNumber()
  expirationTime?: number | null;

  @ApiProperty({ type: WebPushKeysDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => WebPushKeysDto)
  keys!: WebPushKeysDto;
}

export class RegisterDeviceDto {
  @ApiProperty({ description: 'The client-chosen id of this device (the same as on the socket handshake)' })
  @IsString()
  @Matches(DEVICE_ID, { message: 'deviceId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -' })
  deviceId!: string;

  @ApiProperty({ enum: DEVICE_PLATFORMS })
  @IsIn(DEVICE_PLATFORMS)
  platform!: DevicePlatform;

  @ApiPropertyOptional({ description: 'FCM registration token (fcm) or APNs device token (apns)' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  token?: string;

  @ApiPropertyOptional({ type: WebPushSubscriptionDto, description: 'web only' })
  @IsOptional()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => WebPushSubscriptionDto)
  subscription?: WebPushSubscriptionDto;
}

export class DeviceDto {
  @ApiProperty() deviceId!: string;
  @ApiProperty({ enum: DEVICE_PLATFORMS }) platform!: DevicePlatform;
  @ApiProperty({ description: 'ISO-8601' }) createdAt!: string;
  @ApiProperty({ description: 'ISO-8601' }) updatedAt!: string;
}

export class VapidPublicKeyDto {
  @ApiProperty({ description: 'applicationServerKey for PushManager.subscribe (base64url)' })
  publicKey!: string;
}

export type RegisterDeviceDtoIsTheContract = Assert<SameType<RegisterDeviceDto, RegisterDeviceRequest>>;
