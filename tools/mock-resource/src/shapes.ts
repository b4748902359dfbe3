// The request structures of the upstream mock resource; their names appear in decode errors.
import type { StructShape } from './payload.ts';

const string = { kind: 'string' } as const;
const bool = { kind: 'bool' } as const;

const metadataField: StructShape = {
  kind: 'struct',
  goType: 'resource.MetadataField',
  fields: { name: string, value: string },
};

const source: StructShape = {
  kind: 'struct',
  goType: 'resource.Source',
  fields: {
    mirror_self: bool,
    initial_version: string,
    no_initial_version: bool,
    force_version: string,
    create_files: { kind: 'anyMap' },
    check_delay: string,
    check_failure: string,
    metadata: { kind: 'list', of: metadataField, goType: '[]resource.MetadataField' },
    log: string,
  },
};

const version: StructShape = {
  kind: 'struct',
  goType: 'resource.Version',
  fields: { version: string, privileged: string },
};

export const checkRequest: StructShape = {
  kind: 'struct',
  goType: 'main.CheckRequest',
  fields: { source, version },
};

export const inRequest: StructShape = {
  kind: 'struct',
  goType: 'main.InRequest',
  fields: {
    source,
    version,
    params: {
      kind: 'struct',
      goType: 'resource.GetParams',
      fields: { mirror_self_via_params: bool, create_files_via_params: { kind: 'anyMap' } },
    },
  },
};

export const outRequest: StructShape = {
  kind: 'struct',
  goType: 'main.OutRequest',
  fields: {
    source,
    version,
    params: {
      kind: 'struct',
      goType: 'resource.PutParams',
      fields: { version: string, file: string, print_env: bool },
    },
  },
};

export interface MetadataField {
  name?: string;
  value?: string;
}

export interface Source {
  mirror_self?: boolean;
  initial_version?: string;
  no_initial_version?: boolean;
  force_version?: string;
  create_files?: Record<string, unknown>;
  check_delay?: string;
  check_failure?: string;
  metadata?: MetadataField[];
  log?: string;
}

export interface Version {
  version?: string;
  privileged?: string;
}
