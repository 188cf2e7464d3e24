import type { IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/** A Map, so a header such as `constructor` finds nothing on Object.prototype. */
const INFLATERS = new Map<string, () => Transform>([
  ["br", createBrotliDecompress],
  ["gzip", createGunzip],
  ["deflate", createInflate],
]);

export class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
  }
}

export interface BodyLimits {
  /** Bytes on the wire (compressed when br, gzip or deflate). */
  maxBodyBytes: number;
  /** Bytes after decompression: stops a decompression bomb while it inflates, not after. */
  maxDecompressedBytes: number;
}

/**
 * Reads a request body within both limits. A compressed body (br, gzip, deflate) is inflated as a
 * stream with a byte counter, and the stream is destroyed the moment the counter passes the limit,
 * so a few KB that would inflate to gigabytes cost at most `maxDecompressedBytes` of memory.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  const inflate = INFLATERS.get(encoding);
  if (encoding !== "identity" && !inflate) {
    return Promise.reject(
      new BodyError(415, `Unsupported Content-Encoding \`${encoding}\`: send br, gzip, deflate or none`),
    );
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    return Promise.reject(
      new BodyError(
        413,
        `The body is ${declared} bytes, over the limit of ${limits.maxBodyBytes} bytes; send smaller batches`,
      ),
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let inflated = 0;
    let done = false;
    const inflater = inflate?.();
    const fail = (err: BodyError) => {
      if (done) return;
      done = true;
      inflater?.destroy();
      // Discard the rest instead of buffering it; the reply carries `Connection: close`.
      req.unpipe();
      req.resume();
      reject(err);
    };
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    };
    req.on("data", (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limits.maxBodyBytes) {
        fail(new BodyError(413, `The body is over the limit of ${limits.maxBodyBytes} bytes; send smaller batches`));
      }
    });
    req.on("error", () => fail(new BodyError(400, "The request body ended early")));
    req.on("aborted", () => fail(new BodyError(400, "The request was aborted")));
    if (!inflater) {
      req.on("data", (chunk: Buffer) => {
        if (!done) chunks.push(chunk);
      });
      req.on("end", finish);
      return;
    }
    inflater.on("data", (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > limits.maxDecompressedBytes) {
        fail(
          new BodyError(
            413,
            `The ${encoding} body inflates to over ${limits.maxDecompressedBytes} bytes, over the limit; send smaller batches`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    inflater.on("error", (e) => fail(new BodyError(400, `The ${encoding} body is corrupt: ${e.message}`)));
    inflater.on("end", finish);
    req.pipe(inflater);
  });
}
