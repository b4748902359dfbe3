// Step pods for images without `sh`. A step pod is first created as usual; when its main container
// cannot start because the image has no `sh` (nothing ran), the pod is made again in toolbox form:
// an init container copies a statically linked busybox and its applet links into an emptyDir that
// the step container mounts, and the pause command and every exec run under that busybox `sh`.
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { toolboxAnnotation, toolboxCommand, toolboxMountPath } from '../kube/toolbox-exec.ts';
import { mainContainer, pauseCommand } from './pod-spec.ts';

export const defaultToolboxImage = 'busybox:stable-musl';
export const toolboxInitContainer = 'jetbridge-toolbox';
const toolboxVolume = 'jb-tools';

// Copies the toolbox image's busybox and links every applet to it: hard links from `--install` in
// one process, or (a busybox built without the installer) a relative symlink per applet.
const installScript = `set -e
cp /bin/busybox "$1/busybox"
cd "$1"
if ! ./busybox --install "$1" 2>/dev/null; then
  for applet in $(./busybox --list); do
    if [ "$applet" != busybox ]; then ln -sf busybox "$applet"; fi
  done
fi
`;

// What runtimes say when a container's command cannot be found (containerd and runc, Docker,
// CRI-O and crun), for a container that never ran.
const startFailureReasons = new Set([
  'StartError',
  'ContainerCannotRun',
  'RunContainerError',
  'CreateContainerError',
]);
const namesShell = /(["'`])sh\1/;
const isNotFound = /executable file not found|no such file or directory/i;

function isShellMissingIn(status: V1ContainerStatus): boolean {
  const { terminated, waiting } = status.state ?? {};
  const reason = terminated?.reason ?? waiting?.reason ?? '';
  const message = terminated?.message ?? waiting?.message ?? '';
  return startFailureReasons.has(reason) && namesShell.test(message) && isNotFound.test(message);
}

/** The pod's step container could not start because its image has no `sh`. */
export function isShellMissing(pod: V1Pod): boolean {
  const status = pod.status?.containerStatuses?.find((s) => s.name === mainContainer);
  return status !== undefined && isShellMissingIn(status);
}

function toolboxInit(image: string): V1Container {
  return {
    name: toolboxInitContainer,
    image,
    command: ['/bin/busybox', 'sh', '-c', installScript, 'jetbridge-toolbox', toolboxMountPath],
    volumeMounts: [{ name: toolboxVolume, mountPath: toolboxMountPath }],
    securityContext: { allowPrivilegeEscalation: false },
  };
}

/** `pod` (a step pod as `buildPodSpec` makes it) in toolbox form, annotated so that it is known. */
export function toolboxForm(pod: V1Pod, toolboxImage: string): V1Pod {
  const form = structuredClone(pod);
  const spec = form.spec!;
  const step = spec.containers.find((c) => c.name === mainContainer)!;
  step.command = toolboxCommand(pauseCommand);
  step.volumeMounts = [
    ...(step.volumeMounts ?? []),
    { name: toolboxVolume, mountPath: toolboxMountPath, readOnly: true },
  ];
  spec.volumes = [...(spec.volumes ?? []), { name: toolboxVolume, emptyDir: {} }];
  spec.initContainers = [toolboxInit(toolboxImage), ...(spec.initContainers ?? [])];
  form.metadata = {
    ...form.metadata,
    annotations: { ...form.metadata?.annotations, [toolboxAnnotation]: mainContainer },
  };
  return form;
}
