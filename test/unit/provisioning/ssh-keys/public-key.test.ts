// Validation of single OpenSSH public key lines, with real keys from node:crypto and fingerprints
// checked against ones ssh-keygen printed.
import { generateKeyPairSync } from 'node:crypto';
import {
  type PublicKeyCheck,
  parsePublicKey,
  sshFingerprint,
} from '../../../../src/provisioning/ssh-keys';
import { ecdsaKey, ed25519Key, rsaKey, sshMpint, sshString } from './openssh-keys';

function accepted(check: PublicKeyCheck) {
  if (!check.ok) throw new Error(`expected the key to be accepted, got: ${check.reason}`);
  return check.key;
}

function rejected(check: PublicKeyCheck) {
  if (check.ok) throw new Error(`expected the key to be rejected: ${check.key.line}`);
  return check;
}

const b64 = (...parts: Buffer[]) => Buffer.concat(parts).toString('base64');

describe('accepted key types', () => {
  test.each([
    ['ssh-ed25519', () => ed25519Key(), 256],
    ['ssh-rsa 2048', () => rsaKey(2048), 2048],
    ['ssh-rsa 3072', () => rsaKey(3072), 3072],
    ['ecdsa-sha2-nistp256', () => ecdsaKey('P-256'), 256],
    ['ecdsa-sha2-nistp384', () => ecdsaKey('P-384'), 384],
    ['ecdsa-sha2-nistp521', () => ecdsaKey('P-521'), 521],
  ])('%s', (_, make, bits) => {
    const generated = make();
    const key = accepted(parsePublicKey(generated.line));
    expect(key.bits).toBe(bits);
    expect(key.line).toBe(generated.line);
    expect(key.fingerprint).toBe(sshFingerprint(generated.blob));
  });

  test('fingerprints match what ssh-keygen -l printed for the same keys', () => {
    // ssh-keygen (OpenSSH 9.2) on the simulator catalogue's keys and a security-key line.
    const known: Array<[string, string]> = [
      [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIITt9WrwhwG3rsDcYx1oj2ygbAsYHeGubNEsPdb7YwMy ops@example.com',
        'SHA256:QJ4hUwz8Q17u8Os24svk5WZMPpG7E1oFvhXsoTdU/G0',
      ],
      [
        'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDW7x3V1FvThUOUsEpansRwp0hjh5fL0ZX1DWXy+SnrFyx6uvwBpV50' +
          'rUJWMS0Rym7sd6vxu9p3CyP1SXP8OSS8e70TLZVz0TrT7QNmwKyq3OHBIgLnOFHsgrY+hy96TA+ET58M3ak5j8S6x7' +
          'dEEKAhYpVtUr1yN4nrncDbc9hle49zL7VMwvGbGDNasoAzIp+hIqO2RE3wgGIFMYn+w8qAQgZR5rZzGNQwvdYsEQ4Q' +
          '3RG2UpCQLLOd7RtXer0QZfY+s3ZNNvfIJac/0XXbXSHVIQydLNslBdindD0ZLyqZibV3JM6llUq7T+x2de5avO41oB' +
          'ztFVddwfCaGIV4dumt legacy@example.com',
        'SHA256:CIoHOOONsbWQ8sPvFLqf2Wqpb0zZlHki8s2yACFcUIg',
      ],
      [
        'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAcHBwcHBwcHBwcHBw' +
          'cHBwcHBwcHBwcHBwcHBwcHBwcHAAAABHNzaDo= fido@test',
        'SHA256:BpyDHJ8Qm3F/3at6p0jNaRLMB2tszGHwTQIOkdqk9J4',
      ],
    ];
    for (const [line, fingerprint] of known) {
      expect(accepted(parsePublicKey(line)).fingerprint).toBe(fingerprint);
    }
  });

  test('sk-ecdsa-sha2-nistp256@openssh.com (a FIDO key) is accepted', () => {
    const { blob } = ecdsaKey('P-256');
    const point = blob.subarray(blob.length - 65);
    const type = 'sk-ecdsa-sha2-nistp256@openssh.com';
    const line = `${type} ${b64(sshString(type), sshString('nistp256'), sshString(point), sshString('ssh:'))}`;
    expect(accepted(parsePublicKey(line)).type).toBe(type);
  });

  test('the line is normalised: trimmed, single spaces, comment kept', () => {
    const { line } = ed25519Key('');
    const [type, data] = line.split(' ');
    const key = accepted(parsePublicKey(`  ${type}\t${data}   alice  laptop \n`));
    expect(key.line).toBe(`${type} ${data} alice laptop`);
    expect(key.comment).toBe('alice laptop');
    expect(accepted(parsePublicKey(`${type} ${data}`)).line).toBe(`${type} ${data}`);
    expect(accepted(parsePublicKey(`${type} ${data}\r\n`)).line).toBe(`${type} ${data}`);
  });
});

describe('rejected keys', () => {
  test('RSA below 2048 bits, with its size and fingerprint', () => {
    const weak = rsaKey(1024);
    const check = rejected(parsePublicKey(weak.line));
    expect(check.reason).toContain('1024-bit RSA key');
    expect(check.reason).toContain('at least 2048 bits');
    expect(check.fingerprint).toBe(sshFingerprint(weak.blob));
  });

  test.each([
    [
      'an OpenSSH private key',
      () =>
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n',
    ],
    [
      'a PKCS#8 private key',
      () =>
        generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
    ],
    [
      'a PKCS#1 RSA private key',
      () =>
        generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs1', format: 'pem' })
          .toString(),
    ],
    [
      'an EC private key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'sec1', format: 'pem' })
          .toString(),
    ],
    [
      'a private key body without its header',
      () => 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    ],
    ['a PuTTY private key', () => 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n'],
  ])('%s, without echoing it', (_, make) => {
    const text = make();
    const check = rejected(parsePublicKey(text));
    expect(check.reason).toContain('PRIVATE key');
    expect(check.fingerprint).toBeUndefined();
    // Nothing of the key may appear in the reason (it may end up in an event or a log).
    for (const line of text.split('\n').filter((l) => l.length > 8)) {
      expect(check.reason).not.toContain(line.slice(0, 12));
    }
  });

  test.each([
    [
      'a PEM public key',
      () =>
        generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'ssh-keygen -i -m PKCS8',
    ],
    [
      'an RFC 4716 public key',
      () => '---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3Nz\n---- END SSH2 PUBLIC KEY ----\n',
      'ssh-keygen -i -f',
    ],
    ['two keys in one entry', () => `${ed25519Key().line}\n${ed25519Key().line}`, 'line break'],
    [
      'a key followed by an injected line',
      () => `${ed25519Key().line}\ncommand="reboot" ssh-rsa AAAA`,
      'line break',
    ],
    ['authorized_keys options', () => `command="/bin/true",no-pty ${ed25519Key().line}`, 'options'],
    ['the from= option', () => `from="10.0.0.0/8" ${ed25519Key().line}`, 'options'],
    ['DSA', () => `ssh-dss ${b64(sshString('ssh-dss'), sshMpint(Buffer.from([1])))}`, 'DSA'],
    ['an unknown type', () => 'ssh-foo AAAAB3NzaC1yc2E=', 'unsupported key type "ssh-foo"'],
    ['no type at all', () => 'AAAAC3NzaC1lZDI1NTE5 x', 'does not start with an OpenSSH key type'],
    ['nothing', () => '  \n', 'empty'],
    ['no key data', () => 'ssh-ed25519', 'no key data'],
    ['invalid base64', () => 'ssh-ed25519 AAAA!!!!', 'not valid base64'],
    [
      'base64 without padding',
      () => `ssh-ed25519 ${ed25519Key().line.split(' ')[1]!.slice(0, -1)}`,
      'not valid base64',
    ],
    ['a control character in the comment', () => `${ed25519Key('').line} a\u0007b`, 'control'],
    ['an overlong line', () => `${ed25519Key().line} ${'x'.repeat(5000)}`, 'longer than 4096'],
  ])('%s', (_, make, words) => {
    expect(rejected(parsePublicKey(make())).reason).toContain(words);
  });

  test('a type prefix that does not match the key data, with the fingerprint', () => {
    const ed = ed25519Key();
    const data = ed.line.split(' ')[1];
    const check = rejected(parsePublicKey(`ssh-rsa ${data} x`));
    expect(check.reason).toBe('says ssh-rsa, but its key data is a ssh-ed25519 key');
    expect(check.fingerprint).toBe(sshFingerprint(ed.blob));
  });

  test('an ECDSA key whose curve name disagrees with its type', () => {
    const { blob } = ecdsaKey('P-256');
    const point = blob.subarray(blob.length - 65);
    const forged = b64(sshString('ecdsa-sha2-nistp384'), sshString('nistp256'), sshString(point));
    expect(rejected(parsePublicKey(`ecdsa-sha2-nistp384 ${forged}`)).reason).toContain(
      'curve is nistp256',
    );
  });

  test('an ECDSA point that is not on the curve', () => {
    const point = Buffer.alloc(65, 1);
    point[0] = 4;
    const blob = b64(sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point));
    expect(rejected(parsePublicKey(`ecdsa-sha2-nistp256 ${blob}`)).reason).toContain(
      'not on curve',
    );
  });

  test.each([
    ['a truncated blob', (blob: Buffer) => blob.subarray(0, blob.length - 3)],
    ['trailing bytes', (blob: Buffer) => Buffer.concat([blob, Buffer.from([0])])],
    [
      'a field length past the end',
      (blob: Buffer) => Buffer.concat([blob.subarray(0, 15), Buffer.from([0, 0, 1, 0])]),
    ],
  ])('an Ed25519 blob with %s is malformed', (_, damage) => {
    const damaged = damage(ed25519Key().blob);
    expect(rejected(parsePublicKey(`ssh-ed25519 ${damaged.toString('base64')}`)).reason).toContain(
      'malformed',
    );
  });

  test('an RSA key with a negative modulus or an even exponent is malformed', () => {
    const negative = Buffer.concat([
      sshString('ssh-rsa'),
      sshMpint(Buffer.from([1, 0, 1])),
      sshString(Buffer.alloc(257, 0xff)),
    ]);
    expect(rejected(parsePublicKey(`ssh-rsa ${negative.toString('base64')}`)).reason).toContain(
      'negative',
    );
    const even = Buffer.concat([
      sshString('ssh-rsa'),
      sshMpint(Buffer.from([2])),
      sshMpint(Buffer.alloc(256, 0x7f)),
    ]);
    expect(rejected(parsePublicKey(`ssh-rsa ${even.toString('base64')}`)).reason).toContain(
      'exponent',
    );
  });

  test('an RSA key above 16384 bits', () => {
    const huge = Buffer.concat([
      sshString('ssh-rsa'),
      sshMpint(Buffer.from([1, 0, 1])),
      sshMpint(Buffer.alloc(2049, 0x7f)),
    ]);
    expect(rejected(parsePublicKey(`ssh-rsa ${huge.toString('base64')}`)).reason).toContain(
      'at most 16384',
    );
  });
});
