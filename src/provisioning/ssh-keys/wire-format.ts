// Reading the SSH wire encoding (RFC 4251 section 5) of a public key blob: the base64 part of an
// OpenSSH public key line is a sequence of length-prefixed strings and multi-precision integers.

export class MalformedBlobError extends Error {
  override readonly name = 'MalformedBlobError';
}

export class SshWireReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** A `string`: uint32 big-endian length, then that many bytes. */
  bytesField(): Uint8Array {
    if (this.offset + 4 > this.bytes.length) throw new MalformedBlobError('ends inside a length');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4);
    const length = view.getUint32(0);
    this.offset += 4;
    if (this.offset + length > this.bytes.length)
      throw new MalformedBlobError('a field runs past the end');
    const field = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return field;
  }

  /** A `string` holding ASCII text, such as a key type or curve name. */
  text(): string {
    const field = this.bytesField();
    if (field.some((byte) => byte < 0x20 || byte > 0x7e))
      throw new MalformedBlobError('a name is not text');
    return String.fromCharCode(...field);
  }

  /** A non-negative `mpint`, as its magnitude without leading zero bytes. */
  unsignedMpint(): Uint8Array {
    const field = this.bytesField();
    if (field.length > 0 && (field[0]! & 0x80) !== 0)
      throw new MalformedBlobError('a number is negative');
    // RFC 4251 forbids unnecessary leading zeros; OpenSSH rejects them too.
    if (field.length > 1 && field[0] === 0 && (field[1]! & 0x80) === 0) {
      throw new MalformedBlobError('a number has a superfluous leading zero');
    }
    return field[0] === 0 ? field.subarray(1) : field;
  }

  get atEnd(): boolean {
    return this.offset === this.bytes.length;
  }
}

/** Number of significant bits of a big-endian unsigned integer. */
export function bitLength(magnitude: Uint8Array): number {
  const first = magnitude.findIndex((byte) => byte !== 0);
  if (first === -1) return 0;
  return (magnitude.length - first - 1) * 8 + (32 - Math.clz32(magnitude[first]!));
}
