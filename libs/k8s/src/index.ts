export { containerHandle, checkHandle } from './handles.ts';
export type { StepIdentity } from './handles.ts';
export { stepPodName, checkPodName, workerName, maxNameLength } from './names.ts';
export type { StepPodNameInput } from './names.ts';
export {
  labelValue,
  labelKeys,
  annotationKeys,
  stepLabels,
  stepAnnotations,
  handleSelector,
} from './labels.ts';
export type { StepLabelsInput, StepAnnotationsInput } from './labels.ts';
export { dnsLabelPart, nameSegment } from './sanitise.ts';
