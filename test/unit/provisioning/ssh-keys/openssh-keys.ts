// Real key pairs from node:crypto, written out in OpenSSH public key format by hand (the wire
// encoding of RFC 4253/5656/8709), so the validator is tested against keys nobody hand-crafted.
import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

function u32(n: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
}

/** An SSH `string`: length-prefixed bytes. */
export function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'ascii') : data;
  return Buffer.concat([u32(bytes.length), bytes]);
}

/** An SSH `mpint` of a non-negative big-endian magnitude. */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const padded = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return sshString(padded);
}

const fromJwk = (value: string | undefined) => Buffer.from(value!, 'base64url');

/** The SSH wire blob of a public KeyObject (Ed25519, RSA or ECDSA P-256/384/521). */
export function sshBlob(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  if (jwk.kty === 'OKP')
    return Buffer.concat([sshString('ssh-ed25519'), sshString(fromJwk(jwk.x))]);
  if (jwk.kty === 'RSA') {
    return Buffer.concat([
      sshString('ssh-rsa'),
      sshMpint(fromJwk(jwk.e)),
      sshMpint(fromJwk(jwk.n)),
    ]);
  }
  const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv!]!;
  const point = Buffer.concat([Buffer.from([4]), fromJwk(jwk.x), fromJwk(jwk.y)]);
  return Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(curve), sshString(point)]);
}

export interface TestKey {
  /** "type base64 comment" */
  line: string;
  blob: Buffer;
  privateKey: KeyObject;
}

function toTestKey(publicKey: KeyObject, privateKey: KeyObject, comment: string): TestKey {
  const blob = sshBlob(publicKey);
  const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('ascii');
  return { line: `${type} ${blob.toString('base64')} ${comment}`, blob, privateKey };
}

export function ed25519Key(comment = 'ed25519@test'): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return toTestKey(publicKey, privateKey, comment);
}

export function rsaKey(bits: number, comment = `rsa${bits}@test`): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return toTestKey(publicKey, privateKey, comment);
}

export function ecdsaKey(curve: 'P-256' | 'P-384' | 'P-521', comment = `ecdsa@test`): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return toTestKey(publicKey, privateKey, comment);
}
