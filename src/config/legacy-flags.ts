// Flags of the earlier Go controller, kept so its Deployments keep working unchanged. Every other
// flag name is derived from the schema path (fields.ts); these are the exceptions, on purpose.
// `--default-ssh-key-ids` needs no entry: the derived name of `defaultSshKeyIds` is already that.
export const LEGACY_FLAG_ALIASES: Readonly<Record<string, string>> = {
  '--kubeconfig': 'controller.kubeconfig',
  '--metrics-addr': 'metrics.bindAddress',
  '--health-addr': 'health.bindAddress',
  '--leader-election': 'leaderElection.enabled',
  '--vpsie-secret-name': 'vpsie.secretName',
  '--vpsie-secret-namespace': 'vpsie.secretNamespace',
  '--default-datacenter-id': 'scaling.defaultDatacenterId',
  '--default-offering-ids': 'scaling.defaultOfferingIds',
  '--log-level': 'logging.level',
  '--log-format': 'logging.format',
  '--failed-vpsienode-ttl': 'controller.failedVpsieNodeTtl',
};

/** Selects the YAML file; not a config field itself. */
export const CONFIG_FILE_FLAG = '--config-file';
export const HELP_FLAGS = ['--help', '-h'] as const;
