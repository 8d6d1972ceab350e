import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { Public } from '../common/public.decorator';
import { DeviceDto, RegisterDeviceDto, VapidPublicKeyDto } from './devices.dto';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiCreatedResponse({ type: DeviceDto })
  register(@CurrentUser() me: AuthUser, @Body() body: RegisterDeviceDto): Promise<DeviceDto> {
    return this.devices.register(me.id, body);
  }

  /** Public: a service worker may need it before the user signs in, and it is no secret. */
  @Public()
  @Get('vapid-public-key')
  @ApiOkResponse({ type: VapidPublicKeyDto })
  vapidPublicKey(): VapidPublicKeyDto {
    return this.devices.vapidPublicKey();
  }

  @Delete(':deviceId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async unregister(@CurrentUser() me: AuthUser, @Param('deviceId') deviceId: string): Promise<void> {
    await this.devices.unregister(me.id, deviceId);
  }
}
