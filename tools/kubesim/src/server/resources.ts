// The resources kubesim serves, with their list kinds and the field selectors each accepts.
export interface ResourceInfo {
  kind: string;
  namespaced: boolean;
  fields: readonly string[];
}

const metadataFields = ['metadata.name', 'metadata.namespace'];

export const resources: Record<string, ResourceInfo> = {
  pods: {
    kind: 'Pod',
    namespaced: true,
    fields: [
      ...metadataFields,
      'status.phase',
      'spec.nodeName',
      'spec.restartPolicy',
      'status.podIP',
    ],
  },
  events: {
    kind: 'Event',
    namespaced: true,
    fields: [
      ...metadataFields,
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  persistentvolumeclaims: {
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    fields: metadataFields,
  },
  namespaces: { kind: 'Namespace', namespaced: false, fields: ['metadata.name', 'status.phase'] },
  nodes: { kind: 'Node', namespaced: false, fields: ['metadata.name', 'spec.unschedulable'] },
};
