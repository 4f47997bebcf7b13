import { DomainError } from '@ct/platform';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

const STATUS = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403 } as const;
const ERROR = { invalid: 'Bad Request', not_found: 'Not Found', conflict: 'Conflict', forbidden: 'Forbidden' } as const;

@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(err: DomainError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(STATUS[err.kind])
      .json({
        statusCode: STATUS[err.kind],
        error: ERROR[err.kind],
        code: err.code,
        message: err.message,
        ...err.details,
      });
  }
}
