// The little of the protocol buffers wire format a pprof profile needs: varint fields, packed
// repeated varints and nested messages (length-delimited). Written from
// https://protobuf.dev/programming-guides/encoding/ — a message is built as a list of chunks and
// joined once.

const VARINT = 0;
const LENGTH_DELIMITED = 2;

export class MessageWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    // int64 values are written as their 64-bit two's complement: negative numbers take 10 bytes.
    let rest = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    while (rest > 0x7fn) {
      bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(Number(rest));
    this.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A varint field; zero is the default and is left out, as proto3 does. */
  int(field: number, value: number): this {
    if (value === 0) return this;
    this.key(field, VARINT);
    this.varint(Math.round(value));
    return this;
  }

  /** A packed repeated varint field. */
  packed(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const inner = new MessageWriter();
    for (const value of values) inner.varint(Math.round(value));
    return this.bytes(field, inner.finish());
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  message(field: number, build: (writer: MessageWriter) => void): this {
    const inner = new MessageWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
