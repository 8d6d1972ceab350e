import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Assert, SameType } from '../common/same-type';
import type { ChannelType, Message } from '../contract';

export type { ChannelType, Message } from '../contract';

/** The contract's Message in the OpenAPI document, where its schema keeps the name `Message`. */
@ApiSchema({ name: 'Message' })
export class MessageDto implements Message {
  @ApiProperty() id!: string;
  @ApiProperty() channelId!: string;
  @ApiProperty({ enum: ['dm', 'group'] }) channelType!: ChannelType;
  @ApiProperty() senderId!: string;
  @ApiProperty() content!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ description: 'ISO-8601' }) createdAt!: string;
}
export type MessageDtoIsTheContract = Assert<SameType<MessageDto, Message>>;

export const MAX_CONTENT_CHARS = 100_000;

/** Length in characters (Unicode code points), not UTF-16 units or bytes. */
export function contentLength(s: string): number {
  if (s.length <= MAX_CONTENT_CHARS) return s.length; // code points <= code units: no need to count
  let n = 0;
  for (const _ of s) n++;
  return n;
}
