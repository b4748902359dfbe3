// What an operator configures for the pod-executor (the `--kubernetes-*` flags).
export interface PodExecutorSettings {
  namespace: string;
  /** null: in-cluster service account. */
  kubeconfigPath: string | null;
  podStartupTimeoutMs: number;
  maxInFlight: number;
  imagePullSecrets: string[];
  serviceAccount: string | null;
  imageRegistryPrefix: string | null;
  imageRegistrySecret: string | null;
  cacheClaim: string | null;
  artifactStoreClaim: string | null;
  artifactHelperImage: string;
}
