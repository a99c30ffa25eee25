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
  /** The migration stopped to wait for a person (paused, or awaiting cutover approval). */
  paused: 6,
  /** The migration was rolled back. */
  rolledBack: 7,
});
