// The shape of a saved version, as the API presents it (atc.ResourceVersion).
export interface ResourceVersion {
  id: number;
  version: Record<string, string>;
  metadata: Array<{ name: string; value: string }>;
  enabled: boolean;
}

export interface ResourceVersionRow {
  id: number;
  version: Record<string, string>;
  metadata: Array<{ name: string; value: string }> | null;
  enabled: boolean;
}

export function toResourceVersion(row: ResourceVersionRow): ResourceVersion {
  return { id: row.id, version: row.version, metadata: row.metadata ?? [], enabled: row.enabled };
}
