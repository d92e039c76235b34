// The few fields of Kubernetes objects that utilisation needs, as structural types. The client
// library's V1Pod and NodeMetric objects fit them as they are, and tests can write plain object
// literals without building whole API objects.

/** A resource list (`requests`, `allocatable`, `usage`): resource name → quantity. */
export type ResourceList = Readonly<Record<string, string | number | undefined>>;

export interface ContainerShape {
  readonly name?: string;
  readonly resources?: { readonly requests?: ResourceList };
  /** `Always` on an init container makes it a sidecar that runs for the pod's whole life. */
  readonly restartPolicy?: string;
}

export interface OwnerReferenceShape {
  readonly kind: string;
  readonly controller?: boolean;
}

export interface PodShape {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly OwnerReferenceShape[];
    /** A Date from @kubernetes/client-node, an RFC 3339 string in raw JSON. */
    readonly deletionTimestamp?: Date | string;
  };
  readonly spec?: {
    readonly containers?: readonly ContainerShape[];
    readonly initContainers?: readonly ContainerShape[];
    /** RuntimeClass overhead, added to the pod's requests by the scheduler. */
    readonly overhead?: ResourceList;
    /** Pod-level resources (PodLevelResources feature): override the containers' sum. */
    readonly resources?: { readonly requests?: ResourceList };
    readonly terminationGracePeriodSeconds?: number;
  };
  readonly status?: { readonly phase?: string };
}

/** A metrics.k8s.io/v1beta1 NodeMetrics item. */
export interface NodeMetricsShape {
  readonly metadata?: { readonly name?: string };
  /** RFC 3339 time the usage was measured at (the end of `window`). */
  readonly timestamp: string;
  /** Named fields rather than a ResourceList: the client library's `Usage` has no index signature. */
  readonly usage: { readonly cpu?: string | number; readonly memory?: string | number };
}
