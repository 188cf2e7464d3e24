import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";

const gzipAsync = promisify(gzipCallback);

/** Bodies smaller than this gain little from gzip and pay its CPU and header cost. */
export const DEFAULT_GZIP_MIN_BYTES = 1024;

export interface GzipOptions {
  /** Compress bodies of at least this many bytes (default 1024). */
  minBytes?: number;
  /** zlib level 1-9 (default 6). */
  level?: number;
}

export interface EncodedBody {
  body: string | Buffer;
  /** `gzip` when the body was compressed. */
  encoding: "gzip" | undefined;
}

/**
 * Gzips a request body on the libuv thread pool (never blocking the event loop)
 * when it is large enough to be worth it. `false` turns compression off.
 */
export async function encodeBody(body: string, options: GzipOptions | false): Promise<EncodedBody> {
  if (options === false) return { body, encoding: undefined };
  const minBytes = options.minBytes ?? DEFAULT_GZIP_MIN_BYTES;
  // String length is a lower bound on UTF-8 bytes: a cheap test before the exact one.
  if (body.length < minBytes && Buffer.byteLength(body) < minBytes) return { body, encoding: undefined };
  const compressed = await gzipAsync(body, { level: options.level ?? 6 });
  return { body: compressed, encoding: "gzip" };
}
