// TF Serving's answers: gRPC status codes, the messages TF Serving words them with,
// and the HTTP status its REST API maps each code to (http_server.cc ToHTTPStatusCode).
import { DecodeError } from '../wire/proto-reader.js';
import type { ModelSpec } from '../wire/model-spec.js';

/** gRPC / absl status codes. */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];

const HTTP_STATUS: Record<StatusCode, number> = {
  0: 200,
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

/**
 * Longest status message sent. Messages echo request content (model names, feature
 * keys); a 70 KB name in grpc-message overflows the client's HTTP/2 header limit and
 * the call never completes, so longer messages are cut.
 */
export const MAX_MESSAGE_CHARS = 1024;

function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}... (${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

/** An error the server answers with a status instead of crashing. */
export class ServingError extends Error {
  override name = 'ServingError';
  constructor(
    readonly code: StatusCode,
    message: string,
    /** REST only: an HTTP status other than TF Serving's mapping of `code` (413, 415). */
    readonly httpStatus?: number,
  ) {
    super(capMessage(message));
  }
}

export const invalidArgument = (message: string): ServingError => new ServingError(Status.INVALID_ARGUMENT, message);
export const failedPrecondition = (message: string): ServingError =>
  new ServingError(Status.FAILED_PRECONDITION, message);
export const unavailable = (message: string): ServingError => new ServingError(Status.UNAVAILABLE, message);
export const unimplemented = (message: string): ServingError => new ServingError(Status.UNIMPLEMENTED, message);

/** NOT_FOUND, worded as ServerCore's ServableRequest: `Latest(name)` or `Specific(name, v)`. */
export function modelNotFound(spec: ModelSpec): ServingError {
  const req = spec.version === undefined ? `Latest(${spec.name})` : `Specific(${spec.name}, ${spec.version})`;
  return new ServingError(Status.NOT_FOUND, `Servable not found for request: ${req}`);
}

/** Predict's answer for a signature the model does not have. */
export function signatureNotFound(key: string): ServingError {
  return failedPrecondition(`Serving signature key "${key}" not found.`);
}

/**
 * Any thrown value as a ServingError: DecodeError (bad request bytes) is INVALID_ARGUMENT;
 * anything else is a server-side bug and answered INTERNAL with its message, never a crash.
 */
export function toServingError(err: unknown): ServingError {
  if (err instanceof ServingError) return err;
  if (err instanceof DecodeError) return invalidArgument(err.message);
  if (err instanceof RangeError && /allocation|Invalid (typed )?array length/i.test(err.message)) {
    return new ServingError(
      Status.RESOURCE_EXHAUSTED,
      `request needs more memory than this server can allocate: ${err.message}`,
    );
  }
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ServingError(Status.INTERNAL, `internal error while handling the request: ${what}`);
}

/** HTTP status of a REST error, as TF Serving maps status codes. */
export function httpStatusOf(err: ServingError): number {
  return err.httpStatus ?? HTTP_STATUS[err.code] ?? 500;
}

/** TF Serving's REST error body. */
export function restErrorBody(message: string): string {
  return JSON.stringify({ error: message });
}
