// What an operator configures for the pod-executor (the `--kubernetes-*` flags).
export interface PodExecutorSettings {
  namespace: string;
  /** null: in-cluster service account. */
  kubeconfigPath: string | null;
  podStartupTimeoutMs: number;
  maxInFlight: number;
  /**
   * How long a step job stays with an executor that stopped answering (killed, partitioned) before
   * another executor gets it and re-attaches to its pod; 30 s when not set. A live executor
   * extends it while it works.
   */
  stepJobAckWaitMs?: number;
  imagePullSecrets: string[];
  serviceAccount: string | null;
  imageRegistryPrefix: string | null;
  imageRegistrySecret: string | null;
  cacheClaim: string | null;
  artifactStoreClaim: string | null;
  artifactHelperImage: string;
  /**
   * Image whose statically linked `/bin/busybox` step pods of images without `sh` get (in an init
   * container); `busybox:stable-musl` when not set.
   */
  toolboxImage?: string;
}
