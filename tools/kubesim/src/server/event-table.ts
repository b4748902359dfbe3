// The meta.k8s.io/v1 Table kubectl asks for when it prints events.
import type { KubeObject } from '../store/types.ts';
import { age, tableColumn } from './table-format.ts';

export function eventTable(events: readonly KubeObject[], resourceVersion: string): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      tableColumn('Last Seen', 'Time since the event was last seen.'),
      tableColumn('Type', 'Type of this event (Normal, Warning).'),
      tableColumn('Reason', 'Why the action was taken.'),
      tableColumn('Object', 'The object this event is about.'),
      tableColumn('Message', 'A human-readable description of the event.'),
    ],
    rows: events.map((event) => {
      const involved = (event.involvedObject ?? {}) as { kind?: string; name?: string };
      return {
        cells: [
          age(event.lastTimestamp as string | undefined),
          event.type,
          event.reason,
          `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
          event.message,
        ],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: event.metadata,
        },
      };
    }),
  };
}
