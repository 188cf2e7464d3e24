import { type DestinationStream, type Logger as Pino, pino } from "pino";
import type { Logger } from "../http/handler.js";

/** Keys whose values never reach a log line, wherever a caller puts them. */
const SECRET_PATHS = ["password", "key", "keys", "authorization", "*.password", "*.key", "*.keys", "*.authorization"];

export interface JsonLogger {
  /** For structured lines: `log.info({ event: "listening", url }, "message")`. */
  readonly log: Pino;
  /** The same lines for the collector's own messages (store errors, reloads, shutdown). */
  readonly logger: Logger;
}

/**
 * JSON lines for `inferlog-collector serve` (pino): one object per line with `level` as a word, an ISO
 * `time`, `pid`, `hostname` and `msg`. Written synchronously, so the last lines before `process.exit`
 * are not lost; the serve command logs a few lines per minute, not per event.
 */
export function createJsonLogger(destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
  const log = pino(
    {
      name: "inferlog-collector",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_PATHS, censor: "[redacted]" },
    },
    destination,
  );
  const logger: Logger = {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
  return { log, logger } satisfies JsonLogger;
}
