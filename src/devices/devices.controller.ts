import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/current-user.decorator';
import { Public } from '../common/public.decorator';
import { DeviceDto, RegisterDeviceDto, VapidPublicKeyDto } from './devices.dto';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiSignedIn()
  @ApiOperation({ summary: "Register (or update) a device's push channel" })
  @ApiCreatedResponse({ type: DeviceDto })
  @ApiErrors(400, 413)
  registerDevice(@CurrentUser() me: AuthUser, @Body() body: RegisterDeviceDto): Promise<DeviceDto> {
    return this.devices.register(me.id, body);
  }

  /** Public: a service worker may need it before the user signs in, and it is no secret. */
  @Public()
  @Get('vapid-public-key')
  @ApiOperation({ summary: "The server's Web Push (VAPID) public key" })
  @ApiOkResponse({ type: VapidPublicKeyDto })
  @ApiErrors([404, 'Web Push is not configured on this server'])
  vapidPublicKey(): VapidPublicKeyDto {
    return this.devices.vapidPublicKey();
  }

  @Delete(':deviceId')
  @HttpCode(204)
  @ApiSignedIn()
  @ApiOperation({ summary: 'Unregister a device: it gets no more push notifications' })
  @ApiNoContentResponse()
  @ApiErrors([404, 'no such device of the caller'])
  async unregisterDevice(@CurrentUser() me: AuthUser, @Param('deviceId') deviceId: string): Promise<void> {
    await this.devices.unregister(me.id, deviceId);
  }
}
