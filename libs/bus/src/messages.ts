// Message schemas of the bus. Every message is validated when published and when received, and
// carries a version `v`; a receiver rejects a version it does not know instead of guessing.
import { z } from 'zod';

const stepType = z.enum(['task', 'get', 'put', 'check', 'run']);

export const stepInputSource = z.discriminatedUnion('kind', [
  /** An output still inside the volume of an earlier step's pod (streamed through exec). */
  z.object({ kind: z.literal('pod'), handle: z.string(), podName: z.string(), path: z.string() }),
  /** A tar in the artifact store (fly execute uploads, or claim mode). */
  z.object({ kind: z.literal('artifact'), key: z.string() }),
]);

export const stepJob = z.object({
  v: z.literal(1),
  buildId: z.number().int(),
  planId: z.string(),
  /** The container handle: derived from build, plan id and attempt, so a redelivery finds the pod. */
  handle: z.string().regex(/^[a-f0-9]{32}$/),
  podName: z.string().max(63),
  /**
   * The command already started in the pod of this handle: the job is sent again only to follow
   * it. Without the pod the step errors; its command is never started a second time.
   */
  resumeOnly: z.boolean().optional(),
  type: stepType,
  attempt: z.string(),
  metadata: z.object({
    teamId: z.number().int(),
    team: z.string(),
    pipelineId: z.number().int().nullable(),
    pipeline: z.string().nullable(),
    instanceVars: z.record(z.string(), z.unknown()).nullable(),
    jobId: z.number().int().nullable(),
    job: z.string().nullable(),
    buildName: z.string(),
    stepName: z.string(),
    resource: z.string().nullable(),
  }),
  image: z.object({
    /** Container image reference. */
    ref: z.string(),
    /** Environment the image's metadata asks for (Concourse's image metadata `env`). */
    env: z.array(z.string()).default([]),
    user: z.string().optional(),
  }),
  privileged: z.boolean(),
  run: z.object({
    path: z.string(),
    args: z.array(z.string()),
    dir: z.string().optional(),
    user: z.string().optional(),
    env: z.record(z.string(), z.string()),
  }),
  /** Written to the process's stdin, then closed (resource requests). */
  stdin: z.string().optional(),
  /** Resource scripts: stdout is the result, not part of the build log. */
  captureStdout: z.boolean(),
  workingDir: z.string(),
  inputs: z.array(z.object({ name: z.string(), path: z.string(), source: stepInputSource })),
  outputs: z.array(z.object({ name: z.string(), path: z.string() })),
  caches: z.array(z.object({ path: z.string(), key: z.string() })),
  limits: z.object({ cpu: z.number().optional(), memory: z.number().optional() }).optional(),
  timeoutMs: z.number().int().positive().nullable(),
  tags: z.array(z.string()).default([]),
});
export type StepJob = z.infer<typeof stepJob>;
export type StepJobInput = z.input<typeof stepJob>;

const eventBase = {
  v: z.literal(1),
  buildId: z.number().int(),
  planId: z.string(),
  handle: z.string(),
  /** Milliseconds since the epoch, when the executor saw it. */
  at: z.number(),
};

export const stepEvent = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('selected-worker'),
    worker: z.string(),
    podName: z.string(),
  }),
  z.object({ ...eventBase, kind: z.literal('started') }),
  /**
   * A chunk of output. `offset` is where the chunk starts in its stream, so a chunk published twice
   * (an executor re-attached after a restart) is stored once.
   */
  z.object({
    ...eventBase,
    kind: z.literal('output'),
    stream: z.enum(['stdout', 'stderr']),
    offset: z.number().int().nonnegative(),
    /** The bytes themselves: on the wire they follow a small JSON head, never base64 in JSON. */
    data: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'bytes expected'),
  }),
  /** The process exited; for resource scripts `stdout` holds what it printed. */
  z.object({
    ...eventBase,
    kind: z.literal('exited'),
    exitStatus: z.number().int(),
    stdout: z.string().optional(),
    outputsArchived: z.boolean().optional(),
  }),
  /** The step could not run (pod failed to start, exec impossible, ...). */
  z.object({ ...eventBase, kind: z.literal('errored'), message: z.string() }),
]);
export type StepEvent = z.infer<typeof stepEvent>;

export const abortStep = z.object({
  v: z.literal(1),
  buildId: z.number().int(),
  /** Abort one step container; absent = every step of the build. */
  handle: z.string().optional(),
  reason: z.enum(['aborted', 'timeout']),
});
export type AbortStep = z.infer<typeof abortStep>;

export const interceptOpen = z.object({
  v: z.literal(1),
  sessionId: z.string(),
  handle: z.string(),
  podName: z.string(),
  process: z.object({
    path: z.string(),
    args: z.array(z.string()),
    env: z.array(z.string()),
    dir: z.string().optional(),
    user: z.string().optional(),
  }),
});
export type InterceptOpen = z.infer<typeof interceptOpen>;

export const interceptOpened = z.object({
  v: z.literal(1),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type InterceptOpened = z.infer<typeof interceptOpened>;

export const interceptInput = z.object({
  v: z.literal(1),
  stdin: z.string().optional(), // base64
  closed: z.boolean().optional(),
  resize: z.object({ columns: z.number(), rows: z.number() }).optional(),
  hangup: z.boolean().optional(),
});
export type InterceptInput = z.infer<typeof interceptInput>;

export const interceptOutput = z.object({
  v: z.literal(1),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  exitStatus: z.number().int().optional(),
  error: z.string().optional(),
  executableNotFound: z.boolean().optional(),
});
export type InterceptOutput = z.infer<typeof interceptOutput>;

/** pod-executor rpc `read-file`: a file from a step pod's volume (task configs, load_var files). */
export const readFile = {
  request: z.object({
    v: z.literal(1),
    podName: z.string(),
    /** Absolute path inside the pod's main container. */
    path: z.string(),
    maxBytes: z.number().int().positive(),
  }),
  response: z.discriminatedUnion('ok', [
    z.object({ v: z.literal(1), ok: z.literal(true), content: z.string() /* base64 */ }),
    z.object({ v: z.literal(1), ok: z.literal(false), error: z.string() }),
  ]),
};

/** artifacts rpc `locate`: where one replica of the artifact service takes HTTP uploads and downloads. */
export const artifactLocate = {
  request: z.object({ v: z.literal(1) }),
  response: z.object({ v: z.literal(1), url: z.string() }),
};

/** artifacts rpc `delete`: removes the tars stored under the given keys. */
export const artifactDelete = {
  request: z.object({ v: z.literal(1), keys: z.array(z.string()) }),
  response: z.object({ v: z.literal(1), deleted: z.number().int() }),
};

/**
 * artifacts rpc `collect`: removes the tars and task cache directories nothing references, under
 * the keys they were written with. The reaper's leader asks once per GC interval.
 */
export const artifactCollect = {
  request: z.object({ v: z.literal(1) }),
  response: z.discriminatedUnion('ok', [
    z.object({
      v: z.literal(1),
      ok: z.literal(true),
      deletedTars: z.number().int(),
      expiredUploads: z.number().int(),
      expiredResourceCaches: z.number().int(),
      clearedIncoming: z.number().int(),
      removedCacheDirs: z.number().int(),
    }),
    z.object({ v: z.literal(1), ok: z.literal(false), error: z.string() }),
  ]),
};

/** pod-executor rpc `archive-output`: tars a directory of a step pod into the artifact store. */
export const archiveOutput = {
  request: z.object({
    v: z.literal(1),
    podName: z.string(),
    /** Absolute path inside the pod's main container. */
    path: z.string(),
    /** Key the tar is stored under; the same key twice overwrites with the same content. */
    key: z.string(),
  }),
  response: z.discriminatedUnion('ok', [
    z.object({ v: z.literal(1), ok: z.literal(true), bytes: z.number().int() }),
    z.object({ v: z.literal(1), ok: z.literal(false), error: z.string() }),
  ]),
};

/**
 * artifacts rpc `link`: the tar stored under `from` also stored under `to` (a hard link on the
 * store, no copy), e.g. a get's output kept as a resource cache.
 */
export const artifactLink = {
  request: z.object({ v: z.literal(1), from: z.string(), to: z.string() }),
  response: z.discriminatedUnion('ok', [
    z.object({ v: z.literal(1), ok: z.literal(true) }),
    z.object({ v: z.literal(1), ok: z.literal(false), error: z.string() }),
  ]),
};
