// The pod-executor's Prometheus metrics.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ExecutorMetrics {
  podStartupDuration: Histogram;
  imagePullFailures: Counter;
}

export function createExecutorMetrics(registry: Registry): ExecutorMetrics {
  const existing = (name: string) => registry.getSingleMetric(name);
  return {
    podStartupDuration:
      (existing('concourse_k8s_pod_startup_duration_ms') as Histogram | undefined) ??
      new Histogram({
        name: 'concourse_k8s_pod_startup_duration_ms',
        help: 'Time from pod creation until the pod is Running, in milliseconds.',
        buckets: [100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000],
        registers: [registry],
      }),
    imagePullFailures:
      (existing('concourse_k8s_image_pull_failures_total') as Counter | undefined) ??
      new Counter({
        name: 'concourse_k8s_image_pull_failures_total',
        help: 'Step pods that failed to pull their image.',
        registers: [registry],
      }),
  };
}
