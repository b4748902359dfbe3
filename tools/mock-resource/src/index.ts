// JetBridge's implementation of concourse/mock-resource: the three resource scripts.
export { check } from './check.ts';
export { fetch } from './in.ts';
export { put } from './out.ts';
export { goJson } from './go-json.ts';
export { formatLine } from './logrus.ts';
