import { promisify } from "node:util";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";
import { checkOption as need } from "@inferlog/core/lite";

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** HTTP content codings the transport can send; the inferlog collector reads both. */
export type Encoding = "br" | "gzip";

/** Bodies smaller than this gain little from compression and pay its CPU and header cost. */
export const DEFAULT_COMPRESSION_MIN_BYTES = 1024;
/**
 * Brotli quality 2: on 100-event prediction batches it sends 16.9 bytes per event in 1.1-1.2 µs,
 * where quality 3 sends 17.5 bytes in 1.3-1.5 µs, quality 1 19.7 bytes in 1.3 µs and gzip level 6
 * 22.5 bytes in 2.0-2.3 µs (`profile-parts.ts`, 2026-12-07; see docs/node.md).
 */
export const DEFAULT_LEVEL: Record<Encoding, number> = { br: 2, gzip: 6 };

export interface CompressionOptions {
  /** `br` (default) or `gzip`. */
  encoding?: Encoding;
  /** Brotli quality 0-11 (default 2) or gzip level 1-9 (default 6): `DEFAULT_LEVEL`. */
  level?: number;
  /** Compress bodies of at least this many bytes (default 1024). */
  minBytes?: number;
}

export interface ResolvedCompression {
  encoding: Encoding;
  level: number;
  minBytes: number;
}

export interface EncodedBody {
  body: string | Buffer;
  /** The Content-Encoding, when the body was compressed. */
  encoding: Encoding | undefined;
}

/**
 * Bodies up to this size are compressed in place. Handing a batch-sized body to the libuv pool
 * costs more main-thread time than compressing it: 100 brotli-3 compressions of a 29 KB batch
 * took 18-38 ms in place, and 40-52 ms of main-thread time just to start them on the pool
 * (100-123 ms CPU in all). Larger bodies go to the pool, so the event loop never stalls long.
 */
export const COMPRESS_IN_PLACE_MAX_BYTES = 256 * 1024;

export async function encodeBody(body: string, config: ResolvedCompression | false): Promise<EncodedBody> {
  if (config === false) return { body, encoding: undefined };
  // String length is a lower bound on UTF-8 bytes: a cheap test before the exact one.
  if (body.length < config.minBytes && Buffer.byteLength(body) < config.minBytes) return { body, encoding: undefined };
  const inPlace = body.length <= COMPRESS_IN_PLACE_MAX_BYTES; // UTF-16 units: at most 3x that in bytes
  let compressed: Buffer;
  if (config.encoding === "br") {
    const options = {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: config.level,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    };
    compressed = inPlace ? brotliCompressSync(body, options) : await brotliAsync(body, options);
  } else {
    compressed = inPlace ? gzipSync(body, { level: config.level }) : await gzipAsync(body, { level: config.level });
  }
  return { body: compressed, encoding: config.encoding };
}

const LEVELS: Record<Encoding, [min: number, max: number]> = { br: [0, 11], gzip: [1, 9] };

/** Checks the `compression` option; `undefined` and `true` mean brotli with the defaults. */
export function resolveCompression(
  option: boolean | Encoding | CompressionOptions | undefined,
): ResolvedCompression | false {
  if (option === false) return false;
  const options: CompressionOptions =
    option === undefined || option === true ? {} : typeof option === "string" ? { encoding: option } : option;
  need(options !== null && typeof options === "object", "compression", 'false, "br", "gzip" or an object', option);
  const encoding = options.encoding ?? "br";
  need(encoding === "br" || encoding === "gzip", "compression.encoding", '"br" or "gzip"', options.encoding);
  const [min, max] = LEVELS[encoding];
  const level = options.level ?? DEFAULT_LEVEL[encoding];
  need(
    Number.isInteger(level) && level >= min && level <= max,
    "compression.level",
    `an integer from ${min} to ${max} for ${encoding}`,
    options.level,
  );
  const minBytes = options.minBytes ?? DEFAULT_COMPRESSION_MIN_BYTES;
  need(Number.isInteger(minBytes) && minBytes >= 0, "compression.minBytes", "an integer >= 0", options.minBytes);
  return { encoding, level, minBytes };
}

/**
 * The next coding to try after a collector answered 415 Unsupported Media Type:
 * br, then gzip, then the body as it is.
 */
export function fallbackFrom(count: ResolvedCompression): ResolvedCompression | false {
  return count.encoding === "br" ? { encoding: "gzip", level: DEFAULT_LEVEL.gzip, minBytes: count.minBytes } : false;
}
