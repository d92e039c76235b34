// The configuration system: one schema, three sources (flags > env > YAML file > defaults),
// credentials kept apart. A process calls loadConfig() once at startup and resolveCredentials()
// when it builds the VPSie client.
export { ConfigError } from './config-error';
export { CREDENTIAL_ENV, CREDENTIAL_KEYS } from './credential-names';
export { credentialReaders, readCredentialsPath, secretReader } from './credential-readers';
export {
  CredentialsError,
  credentialsFromData,
  credentialsFromEnv,
  resolveCredentials,
  vpsieApiUrl,
  type CredentialReaders,
  type ResolvedCredentials,
} from './credentials';
export { CONFIG_FIELDS, CONFIG_SECTIONS, ENV_PREFIX, type ConfigField } from './fields';
export { renderHelp, wantsHelp } from './help';
export {
  configFilePath,
  configOrigins,
  loadConfig,
  resolveConfig,
  type ConfigInputs,
  type LoadedConfig,
  type LoadOptions,
} from './load';
export { describeSource, type Source } from './provenance';
export { ConfigSchema, type Config, type ConfigInput } from './schema';
