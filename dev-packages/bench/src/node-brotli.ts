import { brotliCompressSync, constants } from "node:zlib";

/**
 * A body compressed as @inferlog/node compresses it (`encodeBody` in packages/node/src/compression.ts:
 * text mode, the body's length as size hint), at quality 2, its default (`DEFAULT_LEVEL`), unless
 * told otherwise. The one copy of those parameters in the bench: the throughput limit, the layer
 * transports of the inferlog subject and profile-parts.ts compress with it.
 */
export function brotliAsNode(body: string, quality = 2): Buffer {
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}
