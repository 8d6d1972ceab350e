import { Module } from '@nestjs/common';
import { DevicesController } from './devices.controller';
import { DevicesModule } from './devices.module';

/** POST/DELETE /api/devices and GET /api/devices/vapid-public-key (api role). */
@Module({ imports: [DevicesModule], controllers: [DevicesController] })
export class DevicesHttpModule {}
