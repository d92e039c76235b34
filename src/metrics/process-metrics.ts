// Decision: the standard Node.js process metrics (process_resident_memory_bytes,
// process_cpu_seconds_total, nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds, ...)
// are exported WITHOUT our prefix. They describe the process, not the autoscaler, and operators,
// stock dashboards and alerts (our HighMemoryUsage rule included) expect these exact names; the
// Prometheus `job` label already tells the controller from the worker.
import { collectDefaultMetrics, type Registry } from 'prom-client';

export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
}
