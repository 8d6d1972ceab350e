import { ApiProperty } from '@nestjs/swagger';
import type { Assert, SameType } from '../common/same-type';
import type { ChatNode } from '../contract';

export class ChatNodeDto {
  @ApiProperty({ example: 'chat-chat1.example.com-443' })
  nodeId!: string;

  @ApiProperty({ example: 'https://chat1.example.com', description: 'Open the Socket.IO connection here' })
  url!: string;
}

export type ChatNodeDtoIsTheContract = Assert<SameType<ChatNodeDto, ChatNode>>;
