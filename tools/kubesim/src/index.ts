// kubesim: a single-node stand-in for the Kubernetes API server and kubelet.
export { startKubesim, type Kubesim, type KubesimOptions } from './kubesim.ts';
export type { ImageSpec } from './kubelet/images.ts';
export type { Logger } from './logger.ts';
export { runKubesimCommand } from './cli.ts';
