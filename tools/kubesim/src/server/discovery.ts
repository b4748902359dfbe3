// Discovery documents: enough of /version, /api and /api/v1 for kubectl and client libraries.
const verbs = {
  full: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  read: ['get', 'list', 'watch'],
};

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubesim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const apiVersions = {
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
};

export const apiGroupList = { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };

function resource(
  name: string,
  kind: string,
  namespaced: boolean,
  resourceVerbs: string[],
  extra: object = {},
) {
  return { name, singularName: '', namespaced, kind, verbs: resourceVerbs, ...extra };
}

export const coreResources = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    resource('events', 'Event', true, verbs.read, { shortNames: ['ev'], singularName: 'event' }),
    resource('namespaces', 'Namespace', false, ['get', 'list'], {
      shortNames: ['ns'],
      singularName: 'namespace',
    }),
    resource('nodes', 'Node', false, verbs.read, { shortNames: ['no'], singularName: 'node' }),
    resource('persistentvolumeclaims', 'PersistentVolumeClaim', true, ['get', 'list'], {
      shortNames: ['pvc'],
      singularName: 'persistentvolumeclaim',
    }),
    resource('pods', 'Pod', true, verbs.full, {
      shortNames: ['po'],
      singularName: 'pod',
      categories: ['all'],
    }),
    resource('pods/exec', 'PodExecOptions', true, ['create', 'get']),
    resource('pods/log', 'Pod', true, ['get']),
    resource('pods/status', 'Pod', true, ['get']),
  ],
};
