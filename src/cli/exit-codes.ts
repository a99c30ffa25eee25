/** Exit codes scripts can rely on; the README's CLI reference lists them. */
export const exitCodes = Object.freeze({
  ok: 0,
  /** The migration or command failed. */
  failed: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** The server refused the request (duplicate start, approval after failed validation, …). */
  refused: 3,
  /** The named migration does not exist. */
  notFound: 4,
  /** No Temporal server or database could be reached. */
  unavailable: 5,
  /** The migration ended paused (waiting for a person), when watched until it stops. */
  paused: 6,
});
