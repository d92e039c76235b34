// The two ways the VPSie API authenticates us. Loaded by src/config (from a Kubernetes Secret,
// env or a file), consumed by the client; never logged (the logger redacts these field names).

export type VpsieCredentials =
  { kind: 'token'; token: string } | { kind: 'client'; clientId: string; clientSecret: string };
