// The error an end-to-end run raises when the server cannot be started or reached (the CLI exits 3).

export class E2eServerError extends Error {
  override name = 'E2eServerError';
}
