// Errors a client can act on. Each carries an HTTP status, a stable machine-readable `code`, and a message
// that says what was wrong and what to do instead. The API turns them into problem+json.

export interface FieldError {
  /** JSON pointer to the offending field, relative to where it was sent (`in`). */
  pointer: string;
  in?: 'body' | 'query' | 'path' | 'header';
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string, pointer?: string): DomainError =>
  new DomainError(404, 'NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, pointer ? [{ pointer, in: 'body', message: `no ${what} with this id` }] : undefined);

export const conflict = (code: string, message: string, extra?: Record<string, unknown>): DomainError =>
  new DomainError(409, code, message, undefined, extra);

export const invalid = (message: string, errors: FieldError[]): DomainError => new DomainError(400, 'VALIDATION_FAILED', message, errors);
