// The meta.k8s.io/v1 Table kubectl asks for when it prints nodes.
import type { KubeObject } from '../store/types.ts';
import { age, tableColumn } from './table-format.ts';

interface NodeStatus {
  conditions?: { type?: string; status?: string }[];
  addresses?: { type?: string; address?: string }[];
  nodeInfo?: {
    kubeletVersion?: string;
    osImage?: string;
    kernelVersion?: string;
    containerRuntimeVersion?: string;
  };
}

export function nodeTable(nodes: readonly KubeObject[], resourceVersion: string): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      tableColumn('Name', 'Name of the node.'),
      tableColumn('Status', 'Whether the node is ready for pods.'),
      tableColumn('Roles', 'The roles of the node.'),
      tableColumn('Age', 'Time since the node was registered.'),
      tableColumn('Version', 'Kubelet version.'),
      tableColumn('Internal-IP', 'Internal address of the node.', 1),
      tableColumn('External-IP', 'External address of the node.', 1),
      tableColumn('OS-Image', 'Operating system image of the node.', 1),
      tableColumn('Kernel-Version', 'Kernel of the node.', 1),
      tableColumn('Container-Runtime', 'Container runtime of the node.', 1),
    ],
    rows: nodes.map((node) => {
      const status = (node.status ?? {}) as NodeStatus;
      const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const address = (type: string) =>
        status.addresses?.find((a) => a.type === type)?.address ?? '<none>';
      return {
        cells: [
          node.metadata.name,
          ready ? 'Ready' : 'NotReady',
          '<none>',
          age(node.metadata.creationTimestamp),
          status.nodeInfo?.kubeletVersion ?? '',
          address('InternalIP'),
          address('ExternalIP'),
          status.nodeInfo?.osImage ?? '',
          status.nodeInfo?.kernelVersion ?? '',
          status.nodeInfo?.containerRuntimeVersion ?? '',
        ],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: node.metadata,
        },
      };
    }),
  };
}
