import { isUtf8 } from "node:buffer";

/**
 * Reads the protobuf wire format (varint, fixed64, length-delimited, fixed32), enough for the OTLP
 * logs messages. Hand-written like OpenTelemetry JS's own OTLP protobuf code (which dropped
 * protobufjs): the logs subset is eight small messages, and a generic library would need the
 * `.proto` files and a Long type for the fixed64 times besides.
 */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtoError";
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** The whole body, viewed once: sub-message readers share it instead of each making views. */
interface Source {
  bytes: Uint8Array;
  buffer: Buffer;
  view: DataView;
}

export class ProtoReader {
  private pos: number;
  private readonly end: number;
  private readonly source: Source;

  private constructor(source: Source, start: number, end: number) {
    this.source = source;
    this.pos = start;
    this.end = end;
  }

  static of(bytes: Uint8Array): ProtoReader {
    const source: Source = {
      bytes,
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    };
    return new ProtoReader(source, 0, bytes.length);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's key: field number `key >>> 3`, wire type `key & 7`. */
  key(): number {
    const key = this.varint();
    if (key >>> 3 === 0) throw new ProtoError(`a field number 0 at byte ${this.pos}`);
    return key;
  }

  /** An unsigned varint up to 2^53 (lengths, enums, uint32, bool). */
  varint(): number {
    const bytes = this.source.bytes;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= this.end) throw this.endsInside();
      const right = bytes[this.pos++]!;
      value |= (right & 0x7f) << shift;
      if (right < 0x80) return value >>> 0;
    }
    this.pos -= 4;
    return Number(this.uvarint64());
  }

  /** A 64-bit varint as written for int64: two's complement, so negative values take ten bytes. */
  int64(): bigint {
    return BigInt.asIntN(64, this.uvarint64());
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.source.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  fixed32(): number {
    this.need(4);
    const value = this.source.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.source.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field as [start, end) of the body. */
  private span(): [number, number] {
    const length = this.varint();
    this.need(length);
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  /** A bytes field in hex (trace and span ids, as OTLP/JSON spells them). */
  hex(): string {
    const [start, end] = this.span();
    return this.source.buffer.toString("hex", start, end);
  }

  base64(): string {
    const [start, end] = this.span();
    return this.source.buffer.toString("base64", start, end);
  }

  /** A string field; invalid UTF-8 is refused, as protobuf requires, rather than replaced. */
  string(): string {
    const [start, end] = this.span();
    const text = this.source.buffer.toString("utf8", start, end);
    // Node's decoder replaces bad sequences with U+FFFD; only then is the strict check worth its cost.
    if (text.includes("\uFFFD") && !isUtf8(this.source.bytes.subarray(start, end))) {
      throw new ProtoError(`a string that is not valid UTF-8 at byte ${start}`);
    }
    return text;
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const [start, end] = this.span();
    return new ProtoReader(this.source, start, end);
  }

  /** Passes over a field this reader does not know, as protobuf requires. */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.uvarint64();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_LEN) this.span();
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtoError(`wire type ${wire} at byte ${this.pos} (groups are not used by OTLP)`);
  }

  private uvarint64(): bigint {
    const bytes = this.source.bytes;
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw this.endsInside();
      const right = bytes[this.pos++]!;
      value |= BigInt(right & 0x7f) << shift;
      if (right < 0x80) return BigInt.asUintN(64, value);
    }
    throw new ProtoError(`a varint longer than 10 bytes before byte ${this.pos}`);
  }

  private endsInside(): ProtoError {
    return new ProtoError(`the message ends inside a field at byte ${this.pos}`);
  }

  private need(length: number): void {
    if (length > this.end - this.pos) {
      throw new ProtoError(`a field of ${length} bytes at byte ${this.pos} runs past the end of its message`);
    }
  }

  private advance(length: number): void {
    this.need(length);
    this.pos += length;
  }
}
