// What a VM's user-data would make it do at boot, as the simulator reads it: the SSH keys
// cloud-init installs and the `kubeadm join` it runs. Plain data, produced by cloud-config.ts
// and consumed by the joiner, so the interpretation can be tested without a cluster.

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface NodeTaint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

/** One kubelet command-line flag, in the order the kubelet would see it. */
export interface KubeletArg {
  name: string;
  value: string;
}

export interface JoinPlan {
  /** How kubeadm was told what to do: a config file (`--config`) or flags only. */
  source: 'config-file' | 'flags';
  /** The `--config` path, for a config-file join. */
  configPath?: string;
  /** kubeadm.k8s.io/v1beta3 or v1beta4, for a config-file join. */
  apiVersion?: string;
  discovery: {
    /** host:port kubeadm fetches cluster information from. */
    apiServerEndpoint: string;
    /** `<id>.<secret>`: the token discovery is verified with. */
    token: string;
    /** `sha256:<hex>` pins of the cluster CA's public key. */
    caCertHashes: string[];
    unsafeSkipCAVerification: boolean;
  };
  /** The token the kubelet authenticates its TLS bootstrap with (the discovery token unless set). */
  tlsBootstrapToken: string;
  /**
   * The name the Node registers under, when the join names one (`nodeRegistration.name`,
   * `--node-name` or the kubelet's `--hostname-override`); otherwise the machine's hostname.
   */
  nodeName?: string;
  /** The kubelet flags that shape the Node: kubeadm's extra args, then KUBELET_EXTRA_ARGS. */
  kubeletArgs: KubeletArg[];
  /** From every `--node-labels` flag, merged as the kubelet merges them. */
  nodeLabels: Record<string, string>;
  /** `--register-with-taints` if given (the last wins), else `nodeRegistration.taints`. */
  taints: NodeTaint[];
  /** `--provider-id`, if given. */
  providerId?: string;
}

/** The outcome of reading the user-data for a join. */
export type JoinReading =
  | { kind: 'join'; plan: JoinPlan }
  /** No join is attempted: nothing in the user-data runs `kubeadm join`, or it is not run at all. */
  | { kind: 'none'; reason: string }
  /** A join is attempted but kubeadm or the kubelet would refuse it before reaching the cluster. */
  | { kind: 'invalid'; reason: string };

export interface AuthorizedKey {
  /** The account the key is installed for; `default` is the image's default user. */
  user: string;
  key: string;
}

export type UserDataFormat = 'cloud-config' | 'shell-script' | 'empty' | 'unsupported';

export interface UserDataReading {
  format: UserDataFormat;
  /** The hostname the user-data sets (cloud-config `hostname`), if any. */
  hostname?: string;
  authorizedKeys: AuthorizedKey[];
  /** Why cloud-init would ignore the user-data (or part of it), e.g. invalid YAML. */
  problem?: string;
  join: JoinReading;
}
