/**
 * The errors a read endpoint may throw on purpose. The middleware chain turns each into an
 * `application/problem+json` response (RFC 9457); anything else becomes a generic 500.
 *
 * `type` is `about:blank` for all of them: the status code says everything a client acts on
 * (RFC 9457 §4.2.1), and `detail` / `invalidParams` say what to fix.
 */
export interface InvalidParam {
  /** The parameter as the client wrote it: `userId`, `limit`, `cursor`. */
  name: string;
  reason: string;
}

export abstract class HttpProblem extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly type = 'about:blank';

  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }

  /** Extension members of the problem document (RFC 9457 §3.2). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class BadRequest extends HttpProblem {
  readonly status = 400;
  readonly title = 'Bad Request';

  constructor(
    detail: string,
    readonly invalidParams: readonly InvalidParam[] = [],
  ) {
    super(detail);
  }

  override extensions(): Record<string, unknown> {
    return this.invalidParams.length > 0 ? { invalidParams: this.invalidParams } : {};
  }
}

export class NotFound extends HttpProblem {
  readonly status = 404;
  readonly title = 'Not Found';
}

export class MethodNotAllowed extends HttpProblem {
  readonly status = 405;
  readonly title = 'Method Not Allowed';
}

/** The request line and headers are larger than the server reads (Node's 16 KB by default). */
export class RequestHeaderFieldsTooLarge extends HttpProblem {
  readonly status = 431;
  readonly title = 'Request Header Fields Too Large';
}

/** What a client is told when something unexpected failed: nothing internal. */
export const INTERNAL_ERROR = {
  status: 500,
  title: 'Internal Server Error',
  detail: 'The request could not be completed. It is safe to retry; quote the requestId when reporting it.',
} as const;

export const isHttpProblem = (error: unknown): error is HttpProblem => error instanceof HttpProblem;
