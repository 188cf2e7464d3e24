import type { IncomingMessage } from "node:http";
import {
  brotliDecompress,
  brotliDecompressSync,
  gunzip,
  gunzipSync,
  inflate,
  inflateSync,
  type ZlibOptions,
} from "node:zlib";

type InflateAsync = (body: Buffer, options: ZlibOptions, done: (error: Error | null, out: Buffer) => void) => void;
interface Inflater {
  sync: (body: Buffer, options: ZlibOptions) => Buffer;
  async: InflateAsync;
}

/** A Map, so a header such as `constructor` finds nothing on Object.prototype. */
const INFLATERS = new Map<string, Inflater>([
  ["br", { sync: brotliDecompressSync, async: brotliDecompress as InflateAsync }],
  ["gzip", { sync: gunzipSync, async: gunzip as InflateAsync }],
  ["deflate", { sync: inflateSync, async: inflate as InflateAsync }],
]);

/**
 * Compressed bodies up to this size inflate on the event loop, to at most SYNC_INFLATE_MAX bytes
 * (a millisecond or two): an SDK batch costs a third of the CPU of a zlib stream per request.
 * Larger ones, and any that inflate past that, inflate in the thread pool.
 */
const SYNC_INFLATE_WIRE_MAX = 64 * 1024;
const SYNC_INFLATE_MAX = 1024 * 1024;

const tooLarge = (error: unknown) => (error as { code?: unknown } | null)?.code === "ERR_BUFFER_TOO_LARGE";

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
 * Reads a request body within both limits. A compressed body (br, gzip, deflate) is inflated with
 * zlib's own output bound, which stops the moment the output passes the limit, so a few KB that
 * would inflate to gigabytes cost at most `maxDecompressedBytes` of memory.
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  const inflater = INFLATERS.get(encoding);
  if (encoding !== "identity" && !inflater) {
    throw new BodyError(415, `Unsupported Content-Encoding \`${encoding}\`: send br, gzip, deflate or none`);
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
    throw new BodyError(
      413,
      `The body is ${declared} bytes, over the limit of ${limits.maxBodyBytes} bytes; send smaller batches`,
    );
  }
  const wire = await readWire(req, limits.maxBodyBytes);
  if (!inflater) return wire;
  const tooLargeError = () =>
    new BodyError(
      413,
      `The ${encoding} body inflates to over ${limits.maxDecompressedBytes} bytes, over the limit; send smaller batches`,
    );
  const corrupt = (error: unknown) =>
    new BodyError(400, `The ${encoding} body is corrupt: ${error instanceof Error ? error.message : String(error)}`);
  if (wire.length <= SYNC_INFLATE_WIRE_MAX) {
    const bound = Math.min(limits.maxDecompressedBytes, SYNC_INFLATE_MAX);
    try {
      return inflater.sync(wire, { maxOutputLength: bound });
    } catch (error) {
      if (!tooLarge(error)) throw corrupt(error);
      if (bound === limits.maxDecompressedBytes) throw tooLargeError();
    }
  }
  return new Promise<Buffer>((resolve, reject) =>
    inflater.async(wire, { maxOutputLength: limits.maxDecompressedBytes }, (error, out) => {
      if (!error) resolve(out);
      else reject(tooLarge(error) ? tooLargeError() : corrupt(error));
    }),
  );
}

/** The body as sent, refused (and the rest discarded) once it passes `maxBodyBytes`. */
function readWire(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let done = false;
    const fail = (err: BodyError) => {
      if (done) return;
      done = true;
      // Discard the rest instead of buffering it; the reply carries `Connection: close`.
      req.resume();
      reject(err);
    };
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      wire += chunk.length;
      if (wire > maxBodyBytes) {
        fail(new BodyError(413, `The body is over the limit of ${maxBodyBytes} bytes; send smaller batches`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => fail(new BodyError(400, "The request body ended early")));
    req.on("aborted", () => fail(new BodyError(400, "The request was aborted")));
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
  });
}
