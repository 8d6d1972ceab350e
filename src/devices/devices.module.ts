import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceEntity } from './device.entity';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

/**
 * Registered push devices. DevicesService reads DEVICES_OPTIONS, which the global NotificationModule
 * provides in every role; the push worker uses DevicesRepository.
 */
@Module({
  imports: [TypeOrmModule.forFeature([DeviceEntity])],
  providers: [DevicesRepository, DevicesService],
  exports: [DevicesRepository, DevicesService],
})
export class DevicesModule {}
