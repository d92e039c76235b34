// The names under which VPSie credentials may appear, and the guard that keeps them out of the
// config file and flags: a token in a ConfigMap or on a command line (visible in `ps` and in the
// Pod spec) would be readable by far more people than the Secret it belongs in.

/** Keys of the credentials Secret, of a mounted Secret directory and of a credentials file. */
export const CREDENTIAL_KEYS = ['token', 'clientId', 'clientSecret', 'url'] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/** The env vars credentials.ts reads; the config loader leaves them alone. */
export const CREDENTIAL_ENV = {
  token: 'VPSIE_AUTOSCALER_VPSIE_TOKEN',
  clientId: 'VPSIE_AUTOSCALER_VPSIE_CLIENT_ID',
  clientSecret: 'VPSIE_AUTOSCALER_VPSIE_CLIENT_SECRET',
} as const;

export const CREDENTIAL_SOURCES_HINT =
  'VPSie credentials are read only from the Kubernetes Secret (vpsie.secretNamespace/vpsie.secretName), ' +
  `env ${CREDENTIAL_ENV.token} (or ${CREDENTIAL_ENV.clientId} and ${CREDENTIAL_ENV.clientSecret}) ` +
  'or the file named by vpsie.credentialsFile';

const CREDENTIAL_WORDS =
  /^(vpsie)?(token|apitoken|accesstoken|authtoken|bearertoken|clientid|clientsecret|secret|password|passwd|apikey|credential|credentials|auth)$/;

/** True for a key or flag name someone would use for a credential (`token`, `--client-secret`). */
export function looksLikeCredential(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    CREDENTIAL_WORDS.test(normalised) || /(token|password|clientsecret|apikey)$/.test(normalised)
  );
}
