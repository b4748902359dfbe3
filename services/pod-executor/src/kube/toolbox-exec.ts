// Execs into a container that runs with the toolbox: an image without `sh` gets busybox, copied into
// its pod by an init container, and every exec into it runs under that busybox `sh`.
import type { V1Pod } from '@kubernetes/client-node';

/** Where the toolbox's busybox and its applet links are in the container. */
export const toolboxMountPath = '/.jetbridge-tools';

/** On a pod in toolbox form: the name of the container that runs with the toolbox. */
export const toolboxAnnotation = 'jetbridge.dev/toolbox';

// The toolbox comes last on PATH (the runtime always sets one): the image's own programs win, and
// the command sees the image's PATH first. `sh` itself, which the image lacks, is the toolbox's.
const wrapScript = `PATH="$PATH:${toolboxMountPath}"; export PATH; exec "$@"`;

/** `command` as it runs in a container with the toolbox. */
export function toolboxCommand(command: string[]): string[] {
  return [`${toolboxMountPath}/sh`, '-c', wrapScript, 'jetbridge-toolbox', ...command];
}

/** The container of `pod` that runs with the toolbox, or null for a pod in the ordinary form. */
export function toolboxContainerOf(pod: V1Pod): string | null {
  return pod.metadata?.annotations?.[toolboxAnnotation] ?? null;
}
