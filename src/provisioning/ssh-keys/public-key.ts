// Parsing and validating one OpenSSH public key line, "<type> <base64 blob> [comment]", as it
// will be written to a node's authorized_keys. Beyond the line's syntax the blob itself is decoded:
// its type must match the prefix, its fields must be complete, an RSA modulus must have at least
// 2048 bits and an ECDSA point must lie on its curve. Reasons never echo the key text (it might be
// a private key pasted by mistake); they name the key by fingerprint when the blob decodes.
import { createPublicKey } from 'node:crypto';
import { MAX_SSH_PUBLIC_KEY_LENGTH } from '../../apis/v1alpha1/node-bootstrap';
import { sshFingerprint } from './fingerprint';
import { MalformedBlobError, SshWireReader, bitLength } from './wire-format';

export const SUPPORTED_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

/** NIST recommends 2048 bits at least (SP 800-131A); OpenSSH refuses fewer than 1024. */
export const MIN_RSA_BITS = 2048;
/** OpenSSH's own upper bound (SSH_RSA_MAXIMUM_MODULUS_SIZE). */
export const MAX_RSA_BITS = 16384;

export interface PublicKey {
  type: SshKeyType;
  /** The blob as base64, exactly as in the line. */
  base64: string;
  /** Free text after the blob (often user@host); "" when there is none. */
  comment: string;
  /** SHA256:... as ssh-keygen -l prints it. */
  fingerprint: string;
  /** Key size: RSA modulus bits, curve bits for ECDSA, 256 for Ed25519. */
  bits: number;
  /** The normalised line: "type base64" or "type base64 comment". */
  line: string;
}

export type PublicKeyCheck =
  { ok: true; key: PublicKey } | { ok: false; reason: string; fingerprint?: string };

const CURVES = {
  nistp256: { jwk: 'P-256', coordinateBytes: 32, bits: 256 },
  nistp384: { jwk: 'P-384', coordinateBytes: 48, bits: 384 },
  nistp521: { jwk: 'P-521', coordinateBytes: 66, bits: 521 },
} as const;
type CurveName = keyof typeof CURVES;

const PRIVATE_KEY_MARKERS = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,
  /PuTTY-User-Key-File-/,
  // The body of an OpenSSH private key starts with "openssh-key-v1\0"; this is its base64.
  /b3BlbnNzaC1rZXktdjE/,
];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_TYPE_TOKEN = /^[a-z0-9][a-z0-9@.-]{0,63}$/;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

class Rejection extends Error {
  constructor(
    readonly reason: string,
    readonly fingerprint?: string,
  ) {
    super(reason);
  }
}

function isSupported(type: string): type is SshKeyType {
  return (SUPPORTED_KEY_TYPES as readonly string[]).includes(type);
}

function knownTypeName(token: string): boolean {
  return isSupported(token) || token === 'ssh-dss';
}

/** The reasons a text is not even shaped like a single public key line. */
function checkShape(text: string): void {
  if (text === '') throw new Rejection('is empty');
  if (PRIVATE_KEY_MARKERS.some((marker) => marker.test(text))) {
    throw new Rejection(
      'is a PRIVATE key; never hand private keys to the autoscaler. Give the public half ' +
        '(the .pub file, or ssh-keygen -y -f <private key>) and rotate this key if it was shared',
    );
  }
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    throw new Rejection('is a PEM public key; convert it with: ssh-keygen -i -m PKCS8 -f key.pem');
  }
  if (/---- BEGIN SSH2 PUBLIC KEY ----/.test(text)) {
    throw new Rejection(
      'is an RFC 4716 (SSH2) public key; convert it with: ssh-keygen -i -f key.pub',
    );
  }
  if (/[\r\n]/.test(text)) {
    throw new Rejection('contains a line break; give exactly one key per entry, on one line');
  }
  if (text.length > MAX_SSH_PUBLIC_KEY_LENGTH) {
    throw new Rejection(`is longer than ${MAX_SSH_PUBLIC_KEY_LENGTH} characters`);
  }
  if (hasControlCharacter(text)) throw new Rejection('contains control characters');
}

function checkTypeToken(tokens: string[]): SshKeyType {
  const [type = ''] = tokens;
  if (isSupported(type)) return type;
  if (type === 'ssh-dss') {
    throw new Rejection(
      'is a DSA key (ssh-dss); DSA is refused: OpenSSH disabled it by default in 7.0 and ' +
        'removed it in 10.0. Use an Ed25519 key (ssh-keygen -t ed25519)',
    );
  }
  if (tokens.slice(1).some(knownTypeName)) {
    throw new Rejection(
      'starts with authorized_keys options before the key type; give the bare key ' +
        '(options such as command= or from= are not accepted)',
    );
  }
  if (KEY_TYPE_TOKEN.test(type)) {
    throw new Rejection(
      `has the unsupported key type "${type}"; supported: ${SUPPORTED_KEY_TYPES.join(', ')}`,
    );
  }
  throw new Rejection('does not start with an OpenSSH key type such as ssh-ed25519');
}

function decodeBase64(token: string | undefined): Buffer {
  if (token === undefined) throw new Rejection('has no key data after the key type');
  const bytes = Buffer.from(token, 'base64');
  // Buffer.from skips characters it does not understand; insist on canonical base64 instead.
  if (!BASE64.test(token) || token.length % 4 !== 0 || bytes.toString('base64') !== token) {
    throw new Rejection('has key data that is not valid base64');
  }
  return bytes;
}

function readEcdsaPoint(reader: SshWireReader, curve: CurveName): void {
  const { jwk, coordinateBytes } = CURVES[curve];
  const point = reader.bytesField();
  if (point.length !== 1 + 2 * coordinateBytes || point[0] !== 0x04) {
    throw new MalformedBlobError(`the ${curve} point is not an uncompressed point of that curve`);
  }
  const coordinate = (from: number) =>
    Buffer.from(point.subarray(from, from + coordinateBytes)).toString('base64url');
  try {
    // OpenSSL refuses points that are not on the curve.
    createPublicKey({
      key: { kty: 'EC', crv: jwk, x: coordinate(1), y: coordinate(1 + coordinateBytes) },
      format: 'jwk',
    });
  } catch {
    throw new MalformedBlobError(`the point is not on curve ${curve}`);
  }
}

/** Reads the fields after the type name; returns the key size in bits. */
function readKeyFields(type: SshKeyType, reader: SshWireReader): number {
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      if (reader.bytesField().length !== 32)
        throw new MalformedBlobError('an Ed25519 key is 32 bytes');
      if (type.startsWith('sk-')) readApplication(reader);
      return 256;
    }
    case 'ssh-rsa': {
      const exponent = reader.unsignedMpint();
      const modulus = reader.unsignedMpint();
      if (bitLength(exponent) < 2 || (exponent.at(-1)! & 1) === 0) {
        throw new MalformedBlobError('the RSA exponent is not an odd number of at least 3');
      }
      return bitLength(modulus);
    }
    default: {
      const expected = type
        .replace(/^(sk-)?ecdsa-sha2-/, '')
        .replace(/@openssh\.com$/, '') as CurveName;
      const curve = reader.text();
      if (curve !== expected)
        throw new MalformedBlobError(`the curve is ${curve}, not ${expected}`);
      readEcdsaPoint(reader, curve);
      if (type.startsWith('sk-')) readApplication(reader);
      return CURVES[curve].bits;
    }
  }
}

// Security-key (FIDO) keys end with the application string, "ssh:" unless chosen otherwise.
function readApplication(reader: SshWireReader): void {
  if (reader.text().length === 0)
    throw new MalformedBlobError('the security-key application is empty');
}

function checkBlob(type: SshKeyType, blob: Buffer, fingerprint: string): number {
  try {
    const reader = new SshWireReader(blob);
    const inner = reader.text();
    if (inner !== type) {
      throw new Rejection(`says ${type}, but its key data is a ${inner} key`, fingerprint);
    }
    const bits = readKeyFields(type, reader);
    if (!reader.atEnd) throw new MalformedBlobError('there are bytes after the last field');
    return bits;
  } catch (error) {
    if (error instanceof MalformedBlobError) {
      throw new Rejection(`has malformed ${type} key data (${error.message})`, fingerprint);
    }
    throw error;
  }
}

/** Validates one public key line; surrounding whitespace (a file's final newline) is ignored. */
export function parsePublicKey(text: string): PublicKeyCheck {
  try {
    const trimmed = text.trim();
    checkShape(trimmed);
    const tokens = trimmed.split(/[ \t]+/);
    const type = checkTypeToken(tokens);
    const base64 = tokens[1];
    const blob = decodeBase64(base64);
    const fingerprint = sshFingerprint(blob);
    const bits = checkBlob(type, blob, fingerprint);
    if (type === 'ssh-rsa' && bits < MIN_RSA_BITS) {
      throw new Rejection(
        `is a ${bits}-bit RSA key; RSA keys need at least ${MIN_RSA_BITS} bits (or use ssh-keygen -t ed25519)`,
        fingerprint,
      );
    }
    if (type === 'ssh-rsa' && bits > MAX_RSA_BITS) {
      throw new Rejection(
        `is a ${bits}-bit RSA key; OpenSSH accepts at most ${MAX_RSA_BITS} bits`,
        fingerprint,
      );
    }
    const comment = tokens.slice(2).join(' ');
    const line = comment === '' ? `${type} ${base64}` : `${type} ${base64} ${comment}`;
    return { ok: true, key: { type, base64: base64!, comment, fingerprint, bits, line } };
  } catch (error) {
    if (error instanceof Rejection)
      return { ok: false, reason: error.reason, fingerprint: error.fingerprint };
    throw error;
  }
}
