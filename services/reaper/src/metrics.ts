// The reaper's Prometheus metrics, registered once per registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ReaperMetrics {
  containers: Gauge;
  gcDuration: Histogram;
  podsDeleted: Counter;
}

function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

export function reaperMetrics(registry: Registry): ReaperMetrics {
  return {
    containers:
      existing<Gauge>(registry, 'concourse_k8s_containers') ??
      new Gauge({
        name: 'concourse_k8s_containers',
        help: 'Step pods seen by the last GC sweep',
        registers: [registry],
      }),
    gcDuration:
      existing<Histogram>(registry, 'concourse_k8s_gc_duration_seconds') ??
      new Histogram({
        name: 'concourse_k8s_gc_duration_seconds',
        help: 'Duration of one pod garbage collection sweep',
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15],
        registers: [registry],
      }),
    podsDeleted:
      existing<Counter>(registry, 'concourse_k8s_pods_deleted_total') ??
      new Counter({
        name: 'concourse_k8s_pods_deleted_total',
        help: 'Pods deleted by garbage collection',
        registers: [registry],
      }),
  };
}
