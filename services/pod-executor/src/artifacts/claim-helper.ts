// Claim mode (`--kubernetes-artifact-store-claim`): the artifact store claim is mounted into two
// helper containers of a step's pod. An init container extracts the step's stored inputs into their
// volumes before the step starts; the `artifact-helper` sidecar tars each output onto the claim
// after it ends (temporary name, then rename). Both scripts need only busybox `sh` and `tar`, and
// create the store's directories, so a fresh, empty claim works.
import type { V1Container, V1Pod, V1VolumeMount } from '@kubernetes/client-node';
import type { StepJob } from '@jetbridge/bus';
import { pauseCommand } from '../pods/pod-spec.ts';
import { resolveStepPath } from '../pods/volumes.ts';

export const helperContainer = 'artifact-helper';
export const inputsInitContainer = 'artifact-inputs';
export const claimMountPath = '/jetbridge-artifacts';
const claimVolume = 'jb-artifact-store';

/** `sh -c extractScript x <store> <key> <path> [<key> <path>...]` */
export const extractScript = `set -e
store=$1; shift
while [ $# -gt 1 ]; do
  if [ ! -f "$store/tars/$1.tar" ]; then echo "artifact $1 is not in the artifact store" >&2; exit 1; fi
  mkdir -p "$2"
  tar xf "$store/tars/$1.tar" -C "$2"
  shift 2
done
`;

/** `sh -c archiveScript x <store> <key> <path>`: the tar appears under its key only complete. */
export const archiveScript = `set -e
store=$1; key=$2; src=$3
mkdir -p "$store/tars" "$store/incoming"
tmp="$store/incoming/$key.$$"
trap 'rm -f "$tmp"' EXIT
tar cf "$tmp" -C "$src" .
mv -f "$tmp" "$store/tars/$key.tar"
`;

export function storedInputs(job: StepJob): Array<{ key: string; path: string }> {
  return job.inputs.flatMap((input) =>
    input.source.kind === 'artifact'
      ? [{ key: input.source.key, path: resolveStepPath(job.workingDir, input.path) }]
      : [],
  );
}

function mountsAt(main: V1Container, paths: string[]): V1VolumeMount[] {
  const wanted = new Set(paths);
  return (main.volumeMounts ?? []).filter((m) => wanted.has(m.mountPath));
}

/** Adds the claim, the inputs' init container and the outputs' sidecar to a step's pod. */
export function addArtifactHelpers(pod: V1Pod, job: StepJob, claim: string, image: string): V1Pod {
  const spec = pod.spec!;
  const main = spec.containers[0]!;
  const inputs = storedInputs(job);
  const outputPaths = job.outputs.map((o) => resolveStepPath(job.workingDir, o.path));
  if (inputs.length === 0 && outputPaths.length === 0) return pod;

  const claimMount = (readOnly: boolean): V1VolumeMount => ({
    name: claimVolume,
    mountPath: claimMountPath,
    readOnly,
  });
  spec.volumes = [
    ...(spec.volumes ?? []),
    { name: claimVolume, persistentVolumeClaim: { claimName: claim } },
  ];
  if (inputs.length > 0) {
    spec.initContainers = [
      ...(spec.initContainers ?? []),
      {
        name: inputsInitContainer,
        image,
        command: ['sh', '-c', extractScript, 'jetbridge-extract', claimMountPath],
        args: inputs.flatMap((i) => [i.key, i.path]),
        volumeMounts: [
          claimMount(true),
          ...mountsAt(
            main,
            inputs.map((i) => i.path),
          ),
        ],
      },
    ];
  }
  if (outputPaths.length > 0) {
    spec.containers = [
      ...spec.containers,
      {
        name: helperContainer,
        image,
        command: pauseCommand,
        volumeMounts: [claimMount(false), ...mountsAt(main, outputPaths)],
      },
    ];
  }
  return pod;
}
