// How a new VM is bootstrapped: its cloud-init user data and its SSH keys (work plan P1.3-T1 and
// P1.4-T1). Only the fields live here; the rule that the inline template and the template
// reference exclude each other is on NodeGroupSpec, the object that holds both.
import { z } from 'zod';
import { mapOf, setOf } from '../schema-extensions';
import { IDENTIFIER, configMapKey, dns1123Subdomain, vpsieId } from './common';

// Size budget. VPSie passes `userData` to cloud-init but documents no size limit, so we stay
// within the tightest limit of the comparable clouds that do: 32 KiB (Hetzner's cap, half of
// DigitalOcean's 64 KiB, and below OpenStack Nova's 65535 base64 bytes = 48 KiB of text). The
// renderer adds variables and SSH keys to the template, so it must still check the rendered
// size; these bounds keep each input sane and give the CEL rules a bounded cost.
export const MAX_CLOUD_INIT_TEMPLATE_LENGTH = 32_768;
export const MAX_CLOUD_INIT_VARIABLES = 64;
export const MAX_CLOUD_INIT_VARIABLE_VALUE_LENGTH = 4_096;
export const MAX_SSH_KEY_IDS = 20;
export const MAX_SSH_PUBLIC_KEYS = 20;
// A 16384-bit RSA key is about 2.8 KB in OpenSSH format; 4 KiB leaves room for a comment.
export const MAX_SSH_PUBLIC_KEY_LENGTH = 4_096;

/** One OpenSSH public key on one line: "<type> <base64> [comment]". No line breaks, because
 * each key becomes a line of the cloud-init document and a newline would inject YAML. */
export const SSH_PUBLIC_KEY =
  /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

export const CloudInitTemplateRef = z
  .object({
    name: dns1123Subdomain('cloudInitTemplateRef.name').describe(
      'Name of a ConfigMap in the NodeGroup namespace.',
    ),
    key: configMapKey('cloudInitTemplateRef.key').describe(
      'Key in that ConfigMap whose value is the template.',
    ),
  })
  .describe('A cloud-init template kept in a ConfigMap in the NodeGroup namespace.');
export type CloudInitTemplateRef = z.infer<typeof CloudInitTemplateRef>;

export const SSHKeySecretRef = z
  .object({
    name: dns1123Subdomain('sshKeySecretRef.name').describe(
      'Name of a Secret in the NodeGroup namespace.',
    ),
    keys: setOf(configMapKey('sshKeySecretRef.keys[]'), {
      min: 1,
      max: MAX_SSH_PUBLIC_KEYS,
    }).describe('Keys of that Secret whose values are OpenSSH public keys, one key per entry.'),
  })
  .describe('OpenSSH public keys kept in a Secret in the NodeGroup namespace.');
export type SSHKeySecretRef = z.infer<typeof SSHKeySecretRef>;

export const nodeBootstrapFields = {
  cloudInitTemplate: z
    .string()
    .min(1)
    .max(MAX_CLOUD_INIT_TEMPLATE_LENGTH, {
      message: `cloudInitTemplate must be at most ${MAX_CLOUD_INIT_TEMPLATE_LENGTH} characters`,
    })
    .optional()
    .describe(
      'Inline cloud-init user-data template (Handlebars) for new nodes; at most 32 KiB, within ' +
        'the user-data limits of comparable clouds. Mutually exclusive with cloudInitTemplateRef; ' +
        "without either, the controller's default template is used.",
    ),
  cloudInitTemplateRef: CloudInitTemplateRef.optional(),
  cloudInitVariables: mapOf(
    {
      pattern: IDENTIFIER,
      maxLength: 63,
      message:
        'cloudInitVariables keys must be identifiers: a letter or _, then letters, digits or _ ' +
        '(at most 63)',
    },
    z.string().max(MAX_CLOUD_INIT_VARIABLE_VALUE_LENGTH),
    MAX_CLOUD_INIT_VARIABLES,
  )
    .optional()
    .describe('Values the template can reference as {{name}}.'),
  sshKeyIds: setOf(vpsieId('sshKeyIds[]'), { max: MAX_SSH_KEY_IDS })
    .optional()
    .describe(
      'Identifiers of SSH keys stored in the VPSie account, installed on every new node. ' +
        '(The earlier autoscaler spelt this sshKeyIDs and never sent it; there is one ' +
        'spelling now, and the API server reports sshKeyIDs as an unknown field.)',
    ),
  sshPublicKeys: z
    .array(
      z
        .string()
        .max(MAX_SSH_PUBLIC_KEY_LENGTH)
        .regex(SSH_PUBLIC_KEY, { message: 'must be one OpenSSH public key on a single line' }),
    )
    .max(MAX_SSH_PUBLIC_KEYS)
    .optional()
    .describe("OpenSSH public keys written to the nodes' authorized keys by cloud-init."),
  sshKeySecretRef: SSHKeySecretRef.optional(),
};
