// The block written to the build log when a pod cannot run a step: what Kubernetes says about it.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

export function formatDiagnostics(
  pod: V1Pod | undefined,
  events: CoreV1Event[],
  why: string,
): string {
  const lines = ['--- Pod Failure Diagnostics ---', `Reason: ${why}`];
  if (!pod) {
    lines.push('Pod: not found');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Pod: ${pod.metadata?.name ?? '?'}`, `Phase: ${pod.status?.phase ?? 'Unknown'}`);
  for (const condition of pod.status?.conditions ?? []) {
    const detail = [condition.reason, condition.message].filter(Boolean).join(': ');
    lines.push(`Condition ${condition.type}=${condition.status}${detail ? ` (${detail})` : ''}`);
  }
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const container of pod.spec?.containers ?? []) {
    lines.push(`Container ${container.name}: image ${container.image ?? '?'}`);
  }
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated;
    if (waiting) {
      lines.push(
        `Container ${status.name} waiting: ${waiting.reason ?? ''} ${waiting.message ?? ''}`.trimEnd(),
      );
    }
    if (terminated) {
      lines.push(
        `Container ${status.name} terminated: ${terminated.reason ?? ''} exit code ${terminated.exitCode}`.trimEnd(),
      );
    }
  }
  const recent = [...events].sort((a, b) => eventTime(a) - eventTime(b)).slice(-10);
  if (recent.length > 0) lines.push('Recent events:');
  for (const event of recent) {
    lines.push(`  ${event.type ?? 'Normal'} ${event.reason ?? ''}: ${event.message ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function eventTime(event: CoreV1Event): number {
  const at =
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}
