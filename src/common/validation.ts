import { ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from './app-error';
import { parsedJsonProblem } from './json-edge';

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`,
    );
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** The global pipe: unknown properties and wrong types are bad_request, in the contract's shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => AppError.badRequest(describe(errors).join('; ') || 'invalid input'),
  });
}

/** The same rules for payloads that do not come through a Nest pipe (Socket.IO events). */
export function validatePayload<T extends object>(cls: new () => T, payload: unknown): T {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw AppError.badRequest('payload must be an object');
  }
  // Before class-transformer, which recurses (a deep payload overflowed the stack) and keeps any string.
  const problem = parsedJsonProblem(payload);
  if (problem) throw AppError.badRequest(problem);
  const instance = plainToInstance(cls, payload);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
  });
  if (errors.length) throw AppError.badRequest(describe(errors).join('; '));
  return instance;
}
