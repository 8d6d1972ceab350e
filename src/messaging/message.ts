import { ApiProperty } from '@nestjs/swagger';

export type ChannelType = 'dm' | 'group';

/** A message as clients see it (DESIGN.md section 6). Ids are decimal strings of 64-bit Snowflakes. */
export class Message {
  @ApiProperty() id!: string;
  @ApiProperty() channelId!: string;
  @ApiProperty({ enum: ['dm', 'group'] }) channelType!: ChannelType;
  @ApiProperty() senderId!: string;
  @ApiProperty() content!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ description: 'ISO-8601' }) createdAt!: string;
}

export const MAX_CONTENT_CHARS = 100_000;

/** Length in characters (Unicode code points), not UTF-16 units or bytes. */
export function contentLength(s: string): number {
  if (s.length <= MAX_CONTENT_CHARS) return s.length; // code points <= code units: no need to count
  let n = 0;
  for (const _ of s) n++;
  return n;
}
