import { Module } from '@nestjs/common';
import { FanoutProcessor } from './fanout.processor';

/** The worker role's half of messaging: the group fan-out consumer (MessagingModule is global). */
@Module({ providers: [FanoutProcessor] })
export class MessagingWorkerModule {}
