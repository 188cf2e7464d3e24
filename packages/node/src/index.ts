export {
  type CompressionOptions,
  DEFAULT_COMPRESSION_MIN_BYTES,
  type Encoding,
} from "./compression.js";
export {
  createClient,
  DEFAULT_NODE_MAX_CONCURRENCY,
  type NodeClient,
  type NodeClientOptions,
  type NodeClientStats,
  type ShutdownResult,
} from "./create-client.js";
export {
  DEFAULT_EXIT_FLUSH_TIMEOUT_MS,
  DEFAULT_SIGNAL_TIMEOUT_MS,
  type ShutdownHookOptions,
} from "./lifecycle.js";
export {
  DEFAULT_HANDLER_FLUSH_TIMEOUT_MS,
  type Flushable,
  type WrapHandlerOptions,
  wrapHandler,
} from "./serverless.js";
export type { FsyncPolicy } from "./spool/segment-writer.js";
export { DEFAULT_SPOOL_MAX_BYTES, type SpoolOptions, type SpoolStats } from "./spool/spool.js";
export {
  createUndiciTransport,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  type UndiciTransport,
  type UndiciTransportOptions,
} from "./undici-transport.js";
