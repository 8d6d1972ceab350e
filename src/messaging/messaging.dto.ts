import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IntParam } from '../common/query-params';
import {
  IsOptional,
  IsString,
  Length,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isSnowflakeString } from '../ids/snowflake';
import { Message } from './message';

@ValidatorConstraint({ name: 'messageId' })
class IsMessageId implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return isSnowflakeString(v);
  }
  defaultMessage(): string {
    return '$property must be a message id (a decimal string)';
  }
}

/** `message:send`. Exactly one of `to` and `channelId` (checked by the use case). */
export class SendMessageDto {
  @IsString() @Length(1, 64) clientMsgId!: string;
  @IsOptional() @IsString() @Length(1, 64) to?: string;
  @IsOptional() @IsString() @Length(1, 120) channelId?: string;
  // Length is checked in characters by the use case (too_large vs bad_request), not here.
  @IsString() content!: string;
}

export class SyncQuery {
  @ApiPropertyOptional({ description: 'the highest message id this device has seen' })
  @IsOptional()
  @Validate(IsMessageId)
  after?: string;

  @IntParam(1, 500, 100)
  limit?: number;
}

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'page older than this message id' })
  @IsOptional()
  @Validate(IsMessageId)
  before?: string;

  @IntParam(1, 100, 50)
  limit?: number;
}

export class SyncPageDto {
  @ApiProperty({ type: [Message] }) messages!: Message[];
  @ApiProperty({ description: 'store this and send it as `after` next time' }) cursor!: string;
  @ApiProperty() hasMore!: boolean;
}

export class HistoryPageDto {
  @ApiProperty({ type: [Message], description: 'newest first' }) messages!: Message[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as `before` for the next older page' })
  nextBefore!: string | null;
}
