/**
 * Domain errors carry a code, not an HTTP status: the same services run in the worker.
 * The HTTP filter maps codes to statuses in one place.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'BUDGET_EXCEEDED'
  | 'RATE_LIMITED'
  | 'GONE';

export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export const notFound = (what: string) => new DomainException('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You do not have access to this resource') => new DomainException('FORBIDDEN', message);
export const conflict = (message: string) => new DomainException('CONFLICT', message);
export const badRequest = (message: string, details?: string[]) => new DomainException('VALIDATION', message, details);
