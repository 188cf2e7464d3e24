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

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class ProtoReader {
  private pos: number;
  private readonly end: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtoError(`a field number 0 at byte ${this.pos}`);
    return { field, wire: key % 8 };
  }

  /** An unsigned varint up to 2^53 (lengths, enums, uint32, bool). */
  varint(): number {
    const start = this.pos;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value >>> 0;
    }
    this.pos = start;
    return Number(this.uvarint64());
  }

  /** A 64-bit varint as written for int64: two's complement, so negative values take ten bytes. */
  int64(): bigint {
    return BigInt.asIntN(64, this.uvarint64());
  }

  fixed64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytesField(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    try {
      return utf8.decode(this.bytesField());
    } catch (e) {
      if (e instanceof ProtoError) throw e;
      throw new ProtoError(`a string that is not valid UTF-8 before byte ${this.pos}`);
    }
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const length = this.varint();
    this.need(length);
    const sub = new ProtoReader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  /** Passes over a field this reader does not know, as protobuf requires. */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.uvarint64();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_LEN) this.advance(this.varint());
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtoError(`wire type ${wire} at byte ${this.pos} (groups are not used by OTLP)`);
  }

  private uvarint64(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
    throw new ProtoError(`a varint longer than 10 bytes before byte ${this.pos}`);
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtoError(`the message ends inside a field at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
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
