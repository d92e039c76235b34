// Reads another process's Prometheus text, for MetricsServerOptions.extraText: the worker uses
// it to fold the Temporal SDK runtime's metrics endpoint into its own /metrics.
export async function fetchMetricsText(url: string, timeoutMs = 5000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

/** `extraText` for startMetricsServer that proxies `url`. */
export function proxyMetricsText(url: string, timeoutMs?: number): () => Promise<string> {
  return () => fetchMetricsText(url, timeoutMs);
}
