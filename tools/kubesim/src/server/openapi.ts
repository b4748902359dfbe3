// A minimal OpenAPI v3 document. It publishes no schemas, only that pod writes accept the
// fieldValidation parameter, which makes kubectl validate on the server instead of downloading
// schemas to validate locally.
export const openApiIndex = {
  paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=kubesim' } },
};

const podKind = { group: '', version: 'v1', kind: 'Pod' };
const fieldValidation = {
  name: 'fieldValidation',
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
};

export const coreOpenApi = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: 'v1.32.0' },
  paths: {
    '/api/v1/namespaces/{namespace}/pods': {
      post: {
        'x-kubernetes-group-version-kind': podKind,
        parameters: [fieldValidation],
        responses: { '201': { description: 'Created' } },
      },
    },
    '/api/v1/namespaces/{namespace}/pods/{name}': {
      patch: {
        'x-kubernetes-group-version-kind': podKind,
        parameters: [fieldValidation],
        responses: { '200': { description: 'OK' } },
      },
    },
  },
  components: { schemas: {} },
};
