import { Module } from '@nestjs/common';
import { MessagingController } from './messaging.controller';

/** GET /api/sync and GET /api/channels/:id/messages (MessagingModule is global). */
@Module({ controllers: [MessagingController] })
export class MessagingHttpModule {}
