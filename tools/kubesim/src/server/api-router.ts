// Routes every non-upgrade request of the API: discovery, list/get/watch, pod writes and logs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kubelet } from '../kubelet/kubelet.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { parseFieldSelector, parseLabelSelector } from '../store/selectors.ts';
import type { KubeObject } from '../store/types.ts';
import { apiGroupList, apiVersions, coreResources, versionInfo } from './discovery.ts';
import { coreOpenApi, openApiIndex } from './openapi.ts';
import { readJsonBody, sendJson } from './http-io.ts';
import { podTable } from './pod-table.ts';
import { eventTable } from './event-table.ts';
import { nodeTable } from './node-table.ts';
import {
  checkDeletePreconditions,
  createPod,
  gracePeriodOf,
  patchPod,
  replacePod,
} from './pod-writes.ts';
import { streamPodLog } from './pod-log.ts';
import { resources } from './resources.ts';
import { StatusError, badRequest } from './status-error.ts';
import { streamWatch } from './watch-stream.ts';

export interface ApiContext {
  store: ObjectStore;
  kubelet: Kubelet;
}

const namespacedPath = /^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/;
const clusterPath = /^\/api\/v1\/([^/]+)(?:\/([^/]+))?$/;

function wantsTable(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('as=Table');
}

function selection(resource: string, params: URLSearchParams): (object: KubeObject) => boolean {
  const labels = parseLabelSelector(params.get('labelSelector'));
  const fields = parseFieldSelector(params.get('fieldSelector'), resources[resource]!.fields);
  return (object) => labels(object.metadata.labels ?? {}) && fields(object);
}

function listOrWatch(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
  resource: string,
  namespace: string | undefined,
  params: URLSearchParams,
): void {
  const matches = selection(resource, params);
  if (params.get('watch') === 'true' || params.get('watch') === '1') {
    const timeout = params.get('timeoutSeconds');
    streamWatch(res, ctx.store, {
      resource,
      namespace,
      matches,
      resourceVersion: params.get('resourceVersion'),
      timeoutSeconds: timeout === null ? undefined : Number(timeout),
      ...(resource === 'pods' && wantsTable(req)
        ? { render: (pod: KubeObject) => podTable([pod], String(pod.metadata.resourceVersion)) }
        : {}),
    });
    return;
  }
  // Serialised before anything else runs, so the stored objects need no copy.
  const items = ctx.store.select(resource, namespace, matches);
  if (resource === 'pods' && wantsTable(req)) {
    sendJson(res, 200, podTable(items, ctx.store.resourceVersion));
    return;
  }
  if (resource === 'events' && wantsTable(req)) {
    sendJson(res, 200, eventTable(items, ctx.store.resourceVersion));
    return;
  }
  if (resource === 'nodes' && wantsTable(req)) {
    sendJson(res, 200, nodeTable(items, ctx.store.resourceVersion));
    return;
  }
  const kind = `${resources[resource]!.kind}List`;
  sendJson(res, 200, {
    kind,
    apiVersion: 'v1',
    metadata: { resourceVersion: ctx.store.resourceVersion },
    items,
  });
}

async function handlePods(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
  namespace: string,
  name: string,
  sub: string | undefined,
  params: URLSearchParams,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (sub === 'log' && method === 'GET')
    return streamPodLog(res, ctx.store, ctx.kubelet, namespace, name, params);
  if (sub === 'exec' || sub === 'attach') throw badRequest('Upgrade request required');
  if (sub !== undefined && sub !== 'status')
    throw new StatusError('NotFound', 'the server could not find the requested resource');

  if (method === 'GET') {
    const pod = ctx.store.get('pods', namespace, name);
    return sendJson(res, 200, wantsTable(req) ? podTable([pod], ctx.store.resourceVersion) : pod);
  }
  if (method === 'DELETE') {
    const body = await readJsonBody(req);
    checkDeletePreconditions(ctx.store.get('pods', namespace, name), body);
    return sendJson(res, 200, ctx.kubelet.deletePod(namespace, name, gracePeriodOf(params, body)));
  }
  if (method === 'PATCH') {
    const body = await readJsonBody(req);
    return sendJson(
      res,
      200,
      patchPod(ctx.store, namespace, name, req.headers['content-type'] ?? '', body),
    );
  }
  if (method === 'PUT')
    return sendJson(res, 200, replacePod(ctx.store, namespace, name, await readJsonBody(req)));
  throw new StatusError(
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource`,
  );
}

async function handleNamespaced(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
  match: RegExpExecArray,
  params: URLSearchParams,
): Promise<void> {
  const [, namespace, resource, name, sub] = match as unknown as [
    string,
    string,
    string,
    string?,
    string?,
  ];
  const method = req.method ?? 'GET';
  if (!resources[resource] || !resources[resource].namespaced) {
    throw new StatusError('NotFound', 'the server could not find the requested resource');
  }
  if (resource === 'pods' && name !== undefined)
    return handlePods(req, res, ctx, namespace, name, sub, params);
  if (name !== undefined) {
    if (method !== 'GET' || sub !== undefined)
      throw new StatusError(
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    return sendJson(res, 200, ctx.store.get(resource, namespace, name));
  }
  if (method === 'GET') return listOrWatch(req, res, ctx, resource, namespace, params);
  if (resource === 'pods' && method === 'POST') {
    return sendJson(
      res,
      201,
      createPod(ctx.store, ctx.kubelet, namespace, await readJsonBody(req)),
    );
  }
  if (resource === 'pods' && method === 'DELETE') {
    const body = await readJsonBody(req);
    const grace = gracePeriodOf(params, body);
    const names = ctx.store
      .select('pods', namespace, selection(resource, params))
      .map((pod) => pod.metadata.name);
    const deleted = names.map((name) => ctx.kubelet.deletePod(namespace, name, grace));
    return sendJson(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: ctx.store.resourceVersion },
      items: deleted,
    });
  }
  throw new StatusError(
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export async function routeApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubesim');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const params = url.searchParams;
  const method = req.method ?? 'GET';

  if (path === '/version') return sendJson(res, 200, versionInfo);
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  if (path === '/api') return sendJson(res, 200, apiVersions);
  if (path === '/api/v1') return sendJson(res, 200, coreResources);
  if (path === '/apis') return sendJson(res, 200, apiGroupList);
  if (path === '/openapi/v3') return sendJson(res, 200, openApiIndex);
  if (path === '/openapi/v3/api/v1') return sendJson(res, 200, coreOpenApi);

  const namespaced = namespacedPath.exec(path);
  if (namespaced) return handleNamespaced(req, res, ctx, namespaced, params);

  const cluster = clusterPath.exec(path);
  if (cluster && method === 'GET') {
    const [, resource, name] = cluster as unknown as [string, string, string?];
    if ((resource === 'namespaces' || resource === 'nodes') && name !== undefined) {
      const found = ctx.store.get(resource, undefined, name);
      if (resource === 'nodes' && wantsTable(req))
        return sendJson(res, 200, nodeTable([found], ctx.store.resourceVersion));
      return sendJson(res, 200, found);
    }
    if (resources[resource] && name === undefined)
      return listOrWatch(req, res, ctx, resource, undefined, params);
  }
  throw new StatusError('NotFound', 'the server could not find the requested resource');
}
