// application/problem+json (RFC 9457) for every error. Clients get a stable `code` and, for 400, one entry per
// invalid field; never a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { DomainError, type FieldError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../db/sql.js';

const TITLES: Record<number, string> = {
  400: 'Invalid request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed',
  409: 'Conflict', 413: 'Payload too large', 415: 'Unsupported media type', 422: 'Unprocessable content',
  429: 'Too many requests', 500: 'Internal server error', 503: 'Service unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problemOf(status: number, code: string, detail: string, errors?: FieldError[], extra?: Record<string, unknown>): Problem {
  return {
    type: `https://bookflow.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
    ...extra,
  };
}

export function sendProblem(res: Response, p: Problem): void {
  if (p.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  if (p.status === 503) res.setHeader('Retry-After', '5');
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

/** Maps anything thrown to a problem. Unknown errors are logged here and answered with a bare 500. */
export function toProblem(err: unknown): Problem {
  if (err instanceof DomainError) return problemOf(err.status, err.code, err.message, err.errors, err.extra);
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser's errors
  if (e?.type === 'entity.too.large') return problemOf(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MB');
  // strict JSON parsing: a bare value (null, "s", 42) is refused here as malformed JSON is
  if (e?.type === 'entity.parse.failed') {
    return problemOf(400, 'INVALID_JSON', 'the request body must be a JSON object: it is malformed JSON, or a bare value (a string, number or null)',
      [{ pointer: '/', in: 'body', message: 'not a JSON object' }]);
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return problemOf(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as UTF-8 JSON');
  if (e?.type === 'request.aborted') return problemOf(400, 'REQUEST_ABORTED', 'the request was aborted');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return problemOf(e.status, 'BAD_REQUEST', e.message ?? 'bad request');
  }
  if (isDatabaseUnavailable(err)) {
    return problemOf(503, 'DATABASE_UNAVAILABLE', 'the database is unavailable right now; nothing was changed, retry in a few seconds');
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return problemOf(400, 'VALIDATION_FAILED', 'the request is nested too deeply', [{ pointer: '/', in: 'body', message: 'nested too deeply' }]);
  }
  console.error('unhandled error while answering a request:', err);
  return problemOf(500, 'INTERNAL', 'something went wrong on our side; the error was logged');
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const p = toProblem(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendProblem(res, p);
}
