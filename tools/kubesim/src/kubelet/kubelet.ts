// Runs pods like a single node's kubelet: schedule, init containers in order, then the containers,
// reporting phases, conditions and container states into the store; deletion with a grace period.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { KubeObject } from '../store/types.ts';
import { badRequest, notFound } from '../server/status-error.ts';
import { ensureBusyboxRoot, type BusyboxRoot } from './busybox-root.ts';
import type { ContainerLog } from './container-log.ts';
import { spawnContainer } from './container-process.ts';
import { markCompleted, markInitFailed, markRunning, markScheduled } from './pod-phases.ts';
import { prepareContainer, type ContainerLaunch } from './container-setup.ts';
import { recordPodEvent, type PodEvent } from './events.ts';
import { missingExecutableMessage } from './executable-lookup.ts';
import type { ImageCatalog } from './images.ts';
import { admitPod } from './admission.ts';
import type { Container, PodSpec } from './pod-types.ts';
import {
  now,
  setCondition,
  setContainerState,
  statusOf,
  type ContainerKind,
} from './pod-status.ts';
import { exitCodeOf, killGroup } from './process-group.ts';
import { Spawner, type SandboxProcess } from './spawner.ts';
import { createRuntime, killAll, terminateAll, type PodRuntime } from './pod-runtime.ts';
import { pullImage } from './image-pull.ts';
import { PodDirRemover } from './pod-dirs.ts';
import { bwrapPath } from './sandbox.ts';

export interface KubeletOptions {
  dataDir: string;
  catalog: ImageCatalog;
  claims: string[];
  capacity: { cpu: number; memory: number };
  logger: Logger;
}

export class Kubelet {
  #store: ObjectStore;
  #options: KubeletOptions;
  #pods = new Map<string, PodRuntime>();
  readonly spawner: Spawner;
  #podDirs: PodDirRemover;
  // Built in the background from the start, so that the first busybox pod does not pay for it.
  #busybox: Promise<BusyboxRoot>;

  constructor(store: ObjectStore, options: KubeletOptions) {
    this.#store = store;
    this.#options = options;
    this.spawner = new Spawner(options.logger);
    this.#podDirs = new PodDirRemover(this.spawner, options.logger);
    this.#busybox = ensureBusyboxRoot(options.dataDir);
    this.#busybox.catch(() => {});
  }

  #key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  #runtime(namespace: string, name: string): PodRuntime | undefined {
    return this.#pods.get(this.#key(namespace, name));
  }

  #update(rt: PodRuntime, mutate: (pod: KubeObject) => void): KubeObject | undefined {
    if (!this.#pods.has(this.#key(rt.namespace, rt.name))) return undefined;
    return this.#store.update('pods', rt.namespace, rt.name, mutate);
  }

  #event(rt: PodRuntime, event: PodEvent): void {
    const pod = this.#store.peek('pods', rt.namespace, rt.name);
    if (pod) recordPodEvent(this.#store, pod, event);
  }

  startPod(pod: KubeObject): void {
    const namespace = pod.metadata.namespace ?? 'default';
    const dir = join(
      this.#options.dataDir,
      'pods',
      `${namespace}_${pod.metadata.name}_${pod.metadata.uid}`,
    );
    const rt = createRuntime(namespace, pod.metadata.name, dir);
    this.#pods.set(this.#key(namespace, pod.metadata.name), rt);
    this.#run(rt, pod).catch((error: unknown) => {
      this.#options.logger.error({ err: error, pod: rt.name }, 'pod-lifecycle-failed');
    });
  }

  async #run(rt: PodRuntime, pod: KubeObject): Promise<void> {
    const spec = pod.spec as PodSpec;
    const admission = admitPod(spec, this.#options.claims, this.#options.capacity);
    if (admission) {
      this.#options.logger.info({ pod: rt.name, reason: admission }, 'pod-unschedulable');
      this.#update(rt, (p) => setCondition(p, 'PodScheduled', false, 'Unschedulable', admission));
      this.#event(rt, {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: admission,
        component: 'default-scheduler',
      });
      return;
    }

    const initContainers = spec.initContainers ?? [];
    this.#update(rt, markScheduled);
    this.#event(rt, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${rt.namespace}/${rt.name} to kubesim`,
      component: 'default-scheduler',
    });
    await mkdir(rt.dir, { recursive: true });

    for (const container of initContainers) {
      if (!(await this.#prepare(rt, 'init', container))) return;
      const exitCode = await (await this.#startContainer(rt, 'init', container)).exit;
      if (exitCode !== 0) {
        this.#update(rt, markInitFailed);
        return;
      }
    }
    if (initContainers.length > 0) this.#update(rt, (p) => setCondition(p, 'Initialized', true));

    for (const container of spec.containers) {
      if (!(await this.#prepare(rt, 'main', container))) return;
    }
    const started = await Promise.all(
      spec.containers.map((c) => this.#startContainer(rt, 'main', c)),
    );
    // As on a node, a pod none of whose containers could start never runs.
    if (!rt.isStopping && started.some((s) => s.isStarted)) this.#update(rt, markRunning);
    const codes = await Promise.all(started.map((s) => s.exit));
    this.#update(rt, (p) => markCompleted(p, codes));
  }

  async #prepare(rt: PodRuntime, kind: ContainerKind, container: Container): Promise<boolean> {
    if (rt.isStopping) return false;
    const image = await pullImage(this.#options.catalog, container.image, {
      report: (event) =>
        this.#event(rt, {
          ...event,
          fieldPath: `spec.${kind === 'init' ? 'initContainers' : 'containers'}{${container.name}}`,
        }),
      wait: (reason, message) =>
        this.#update(rt, (p) =>
          setContainerState(p, kind, container, { waiting: { reason, message } }),
        ),
      isCancelled: () => rt.isStopping,
    });
    if (!image) return false;
    try {
      const busybox = image.kind === 'busybox' ? await this.#busybox : undefined;
      const pod = this.#store.get('pods', rt.namespace, rt.name);
      rt.launches.set(
        container.name,
        await prepareContainer(
          this.#options.dataDir,
          rt.dir,
          pod,
          container,
          image,
          () => busybox!,
        ),
      );
      // Deleted while its directories were made: nothing may start, and they go again.
      if (rt.isStopping) {
        this.#podDirs.remove(rt.dir);
        return false;
      }
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#update(rt, (p) =>
        setContainerState(p, kind, container, {
          waiting: { reason: 'CreateContainerConfigError', message },
        }),
      );
      this.#event(rt, { type: 'Warning', reason: 'Failed', message: `Error: ${message}` });
      return false;
    }
  }

  // Resolves once the container's process exists, with the promise of its exit code.
  async #startContainer(
    rt: PodRuntime,
    kind: ContainerKind,
    container: Container,
  ): Promise<{ exit: Promise<number>; isStarted: boolean }> {
    let child: SandboxProcess;
    let log: ContainerLog;
    const launch = rt.launches.get(container.name)!;
    try {
      const missing = launch.checksExecutable ? await missingExecutableMessage(launch) : undefined;
      if (missing !== undefined) return this.#failStart(rt, kind, container, missing);
      ({ child, log } = await spawnContainer(this.spawner, launch));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.#failStart(rt, kind, container, message);
    }
    rt.logs.set(container.name, log);

    const containerID = `kubesim://${rt.name}-${container.name}-${child.pid}`;
    const startedAt = now();
    this.#event(rt, {
      type: 'Normal',
      reason: 'Created',
      message: `Created container ${container.name}`,
    });
    this.#update(rt, (p) =>
      setContainerState(p, kind, container, { running: { startedAt } }, containerID),
    );
    this.#event(rt, {
      type: 'Normal',
      reason: 'Started',
      message: `Started container ${container.name}`,
    });
    this.#options.logger.debug(
      { pod: rt.name, container: container.name, pid: child.pid },
      'container-started',
    );

    const exit = new Promise<number>((resolve) => {
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        const exitCode = exitCodeOf(code, signal);
        this.#options.logger.debug(
          { pod: rt.name, container: container.name, exitCode },
          'container-exited',
        );
        this.#update(rt, (p) => {
          const terminated = {
            exitCode,
            reason: exitCode === 0 ? 'Completed' : 'Error',
            startedAt,
            finishedAt: now(),
            containerID,
          };
          setContainerState(p, kind, container, { terminated }, containerID);
        });
        resolve(exitCode);
      });
    });
    this.#adopt(rt, child);
    return { exit, isStarted: true };
  }

  // A container whose process could not start: terminated at once with the runtime's reason.
  #failStart(
    rt: PodRuntime,
    kind: ContainerKind,
    container: Container,
    message: string,
  ): { exit: Promise<number>; isStarted: false } {
    this.#update(rt, (p) =>
      setContainerState(p, kind, container, {
        terminated: {
          exitCode: 128,
          reason: 'StartError',
          message,
          startedAt: now(),
          finishedAt: now(),
          containerID: '',
        },
      }),
    );
    this.#event(rt, { type: 'Warning', reason: 'Failed', message: `Error: ${message}` });
    return { exit: Promise.resolve(128), isStarted: false };
  }

  // The launch of a running container, for an exec that must see the same volumes and root.
  execLaunch(
    namespace: string,
    name: string,
    containerName: string | undefined,
  ): { launch: ContainerLaunch; container: string } {
    const pod = this.#store.get('pods', namespace, name);
    const rt = this.#runtime(namespace, name);
    const phase = statusOf(pod).phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw badRequest(
        `cannot exec into a container in a completed pod; current phase is ${phase}`,
      );
    }
    const spec = pod.spec as PodSpec;
    const container = containerName ?? spec.containers[0]!.name;
    if (!spec.containers.some((c) => c.name === container)) {
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const launch = rt?.launches.get(container);
    if (!rt || !launch || phase !== 'Running') {
      throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    }
    return { launch, container };
  }

  // Starts an exec's process in the container's sandbox; it belongs to the pod from then on.
  async spawnExec(
    namespace: string,
    name: string,
    launch: ContainerLaunch,
    command: string[],
    streams: { stdin: boolean; stdout: boolean; stderr: boolean },
  ): Promise<SandboxProcess> {
    const child = await this.spawner.spawn(bwrapPath, [...launch.args, '--', ...command], {
      ...streams,
      env: launch.env,
    });
    const rt = this.#runtime(namespace, name);
    if (!rt) killGroup(child.pid);
    else this.#adopt(rt, child);
    return child;
  }

  // A process of the pod: tracked until it closes; one started after the pod began stopping
  // (its spawn was under way) is killed at once, as its container is already going away.
  #adopt(rt: PodRuntime, child: SandboxProcess): void {
    rt.processes.add(child);
    child.on('close', () => {
      rt.processes.delete(child);
      this.#finishIfStopped(rt);
    });
    if (rt.isStopping) killGroup(child.pid);
  }

  containerLog(namespace: string, name: string, container: string): ContainerLog | undefined {
    return this.#runtime(namespace, name)?.logs.get(container);
  }

  deletePod(namespace: string, name: string, graceSeconds: number | undefined): KubeObject {
    const pod = this.#store.peek('pods', namespace, name);
    if (!pod) throw notFound('pods', name);
    const rt = this.#runtime(namespace, name);
    const grace = graceSeconds ?? (pod.spec as PodSpec).terminationGracePeriodSeconds ?? 30;
    if (!rt || rt.processes.size === 0) {
      if (rt) rt.isStopping = true;
      return this.#finish(namespace, name);
    }
    if (rt.isStopping && grace > 0) return structuredClone(pod);

    rt.isStopping = true;
    this.#options.logger.debug({ pod: name, gracePeriodSeconds: grace }, 'pod-terminating');
    const updated = this.#update(rt, (p) => {
      p.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      p.metadata.deletionGracePeriodSeconds = grace;
    })!;
    for (const container of rt.launches.keys()) {
      this.#event(rt, {
        type: 'Normal',
        reason: 'Killing',
        message: `Stopping container ${container}`,
      });
    }
    clearTimeout(rt.killTimer);
    if (grace === 0) {
      killAll(rt);
    } else {
      terminateAll(rt);
      rt.killTimer = setTimeout(() => killAll(rt), grace * 1000);
      rt.killTimer.unref();
    }
    return updated;
  }

  // Kills the pod's processes from outside, as an OOM kill or a crashed node would.
  killPod(namespace: string, name: string): void {
    const rt = this.#runtime(namespace, name);
    if (rt) killAll(rt);
  }

  #finishIfStopped(rt: PodRuntime): void {
    if (
      rt.isStopping &&
      rt.processes.size === 0 &&
      this.#pods.has(this.#key(rt.namespace, rt.name))
    ) {
      this.#finish(rt.namespace, rt.name);
    }
  }

  #finish(namespace: string, name: string): KubeObject {
    const rt = this.#runtime(namespace, name);
    this.#options.logger.debug({ pod: name, namespace }, 'pod-deleted');
    if (rt) {
      clearTimeout(rt.killTimer);
      clearTimeout(rt.termRetry);
    }
    this.#pods.delete(this.#key(namespace, name));
    const removed = this.#store.remove('pods', namespace, name);
    if (rt) this.#podDirs.remove(rt.dir);
    return removed;
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    for (const rt of this.#pods.values()) {
      rt.isStopping = true;
      for (const child of rt.processes) {
        if (!child.hasExited) {
          closing.push(new Promise((resolve) => child.once('close', resolve)));
        }
      }
      killAll(rt);
    }
    await Promise.all(closing);
    await this.#podDirs.idle();
    await this.spawner.close();
    await this.#busybox.catch(() => {});
  }
}
