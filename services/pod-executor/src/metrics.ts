// The pod-executor's Prometheus metrics.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ExecutorMetrics {
  podStartupDuration: Histogram;
  imagePullFailures: Counter;
  /** Concourse's container metrics: a step pod is the container. */
  containersCreated: Counter;
  containersFailed: Counter;
  containerCreationDuration: Histogram<'status'>;
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
    containersCreated:
      (existing('concourse_containers_created_total') as Counter | undefined) ??
      new Counter({
        name: 'concourse_containers_created_total',
        help: 'Step pods created and Running.',
        registers: [registry],
      }),
    containersFailed:
      (existing('concourse_failed_containers_total') as Counter | undefined) ??
      new Counter({
        name: 'concourse_failed_containers_total',
        help: 'Step pods that never became able to run their step.',
        registers: [registry],
      }),
    containerCreationDuration:
      (existing('concourse_containers_creation_duration_seconds') as
        Histogram<'status'> | undefined) ??
      new Histogram({
        name: 'concourse_containers_creation_duration_seconds',
        help: 'Time from creating a step pod until it runs or fails, in seconds.',
        labelNames: ['status'],
        buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
        registers: [registry],
      }),
  };
}
