import { ParseUUIDPipe } from '@nestjs/common';
import { badRequest } from '../errors/domain.exception';

/** `@Param('id', UuidParam) id`: a malformed id is a 400 in the standard body, never a SQL error. */
export const UuidParam = new ParseUUIDPipe({ exceptionFactory: () => badRequest('id must be a UUID') });
