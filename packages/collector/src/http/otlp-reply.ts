import type { IncomingMessage, ServerResponse } from "node:http";

/** How the request was encoded: OTLP/HTTP answers in the same encoding. */
export type OtlpEncoding = "json" | "protobuf";

const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  json: "application/json",
  protobuf: "application/x-protobuf",
};

/** A request's Content-Type without parameters, in lower case ("" when it has none). */
export const mediaTypeOf = (req: IncomingMessage): string =>
  (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();

/** The OTLP/HTTP encoding a request's Content-Type names, or undefined for any other type. */
export function requestEncoding(req: IncomingMessage): OtlpEncoding | undefined {
  const mediaType = mediaTypeOf(req);
  return (Object.keys(CONTENT_TYPES) as OtlpEncoding[]).find((encoding) => CONTENT_TYPES[encoding] === mediaType);
}

/** google.rpc.Code for the HTTP statuses this endpoint answers with. */
const RPC_CODES = new Map<number, number>([
  [400, 3], // INVALID_ARGUMENT
  [401, 16], // UNAUTHENTICATED
  [403, 7], // PERMISSION_DENIED
  [405, 12], // UNIMPLEMENTED
  [413, 8], // RESOURCE_EXHAUSTED
  [415, 3], // INVALID_ARGUMENT
  [503, 14], // UNAVAILABLE
]);
const RPC_INTERNAL = 13;

/** A minimal protobuf writer: the two response messages hold only varints and strings. */
class ProtoWriter {
  private readonly parts: number[] = [];
  varint(field: number, value: number): this {
    this.key(field, 0);
    this.raw(value);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.raw(value.length);
    for (const bytes of value) this.parts.push(bytes);
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, "utf8"));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
  private key(field: number, wire: number): void {
    this.raw(field * 8 + wire);
  }
  private raw(value: number): void {
    let item = value;
    while (item >= 0x80) {
      this.parts.push((item % 0x80) | 0x80);
      item = Math.floor(item / 0x80);
    }
    this.parts.push(item);
  }
}

function reply(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  body: Uint8Array | string,
  headers: Record<string, string>,
): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, {
    "content-type": CONTENT_TYPES[encoding],
    "content-length": String(bytes.length),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(bytes);
}

/**
 * `ExportLogsServiceResponse`: empty when every record was taken without a word, else `partial_success` with the
 * number rejected and why (OTLP/HTTP: the status stays 200 and the sender must not retry them); a message with
 * 0 rejected is a warning, as OTLP allows.
 */
export function replyExported(
  res: ServerResponse,
  encoding: OtlpEncoding,
  rejected: { count: number; message: string },
  headers: Record<string, string>,
): void {
  if (encoding === "json") {
    const body =
      rejected.count === 0 && rejected.message === ""
        ? {}
        : // int64 is a decimal string in the protobuf JSON mapping.
          { partialSuccess: { rejectedLogRecords: String(rejected.count), errorMessage: rejected.message } };
    reply(res, 200, encoding, JSON.stringify(body), headers);
    return;
  }
  const response = new ProtoWriter();
  if (rejected.count > 0 || rejected.message !== "") {
    const partial = new ProtoWriter().varint(1, rejected.count).string(2, rejected.message).finish();
    response.bytes(1, partial);
  }
  reply(res, 200, encoding, response.finish(), headers);
}

/** A failed request: a `google.rpc.Status` in the request's encoding, as OTLP/HTTP asks. */
export function replyStatus(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  message: string,
  headers: Record<string, string> = {},
): void {
  const code = RPC_CODES.get(status) ?? RPC_INTERNAL;
  const body =
    encoding === "json"
      ? JSON.stringify({ code, message })
      : new ProtoWriter().varint(1, code).string(2, message).finish();
  reply(res, status, encoding, body, headers);
}
