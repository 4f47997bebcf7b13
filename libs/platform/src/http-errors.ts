import { ArgumentMetadata, BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** A 400 whose body names every bad field: { statusCode, error, message, details: [{ field, problems }] }. */
export function badRequest(details: FieldProblem[], message = 'request validation failed'): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, details });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}

/** Largest `page` of any paginated list: with the largest page size, offsets stay below 500,000 rows. */
export const MAX_PAGE = 1000;

/**
 * ParseUUIDPipe whose 400 names the path parameter like every other validation error
 * (`details: [{ field: 'id', problems: ['id must be a UUID'] }]`), instead of "uuid is expected".
 */
export class UuidParam extends ParseUUIDPipe {
  override async transform(value: string, meta: ArgumentMetadata): Promise<string> {
    try {
      return await super.transform(value, meta);
    } catch {
      const field = meta.data ?? 'id';
      throw badRequest([{ field, problems: [`${field} must be a UUID`] }], `invalid path parameter ${field}`);
    }
  }
}
