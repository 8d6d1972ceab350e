import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import type { ErrorBody, ErrorCode, ErrorResponse } from '../contract';
import { RETRY_AFTER_SECONDS } from './all-exceptions.filter';
import { codeForStatus, ERROR_STATUS } from './app-error';
import type { Assert, SameType } from './same-type';

/** The `error` object of every error answer (DESIGN.md section 7). */
export class ErrorBodyDto {
  @ApiProperty({ enum: Object.keys(ERROR_STATUS), enumName: 'ErrorCode' }) code!: ErrorCode;
  @ApiProperty({ description: 'for people, not for programs: match on `code`' }) message!: string;
  @ApiPropertyOptional({ description: 'on a 5xx answer: the id to quote when reporting it' })
  requestId?: string;
}

/** Every REST error answer: `{"error": {"code", "message"}}` with the status that matches the code. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorBodyDto }) error!: ErrorBodyDto;
}

export type ErrorBodyDtoIsTheContract = Assert<SameType<ErrorBodyDto, ErrorBody>>;
export type ErrorResponseDtoIsTheContract = Assert<SameType<ErrorResponseDto, ErrorResponse>>;

/** The error statuses an operation documents; 500 `internal` can come from any of them and is left out. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

const WHEN: Record<ErrorStatus, string> = {
  400: 'a malformed or invalid request',
  401: 'no access token, or one that is invalid, expired or revoked',
  403: 'not allowed for this user',
  404: 'an unknown id',
  409: 'conflicts with the current state',
  413: 'the body or a text in it is too large',
  429: 'too many requests; try again later',
  503: `a backing store is unavailable; retry after \`Retry-After\` (${RETRY_AFTER_SECONDS}) seconds`,
};

/**
 * Documents the error answers of an operation (or of every operation of a controller) with the one error
 * schema: `ApiErrors(400, [403, 'not a member'], 404)`. A tuple replaces the default description.
 */
export function ApiErrors(
  ...answers: (ErrorStatus | [ErrorStatus, string])[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...answers.map((a) => {
      const [status, description] = typeof a === 'number' ? [a, WHEN[a]] : a;
      const code = codeForStatus(status);
      return ApiResponse({
        status,
        description: `\`${code}\`: ${description}`,
        type: ErrorResponseDto,
        example: { error: { code, message: description } },
        headers:
          status === 503
            ? { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } }
            : undefined,
      });
    }),
  );
}

/**
 * A controller or operation that needs an access token: the bearer scheme, and the answers every such call
 * can give (the token's checks read the user and the session from the stores). `forbidden` describes its 403.
 */
export function ApiSignedIn(forbidden = 'the account is banned'): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiErrors(401, [403, forbidden], 503));
}
