// The connectors this web context is configured with, built once per context.
import type { WebContext } from '../context.ts';
import type { Connector } from './connector.ts';
import { githubConnector } from './github-connector.ts';
import { oidcConnector } from './oidc-connector.ts';

const built = new WeakMap<WebContext, Map<string, Connector>>();

export function connectorsOf(ctx: WebContext): Map<string, Connector> {
  let connectors = built.get(ctx);
  if (!connectors) {
    connectors = new Map();
    const { oidc, github } = ctx.settings.auth ?? {};
    if (oidc) connectors.set('oidc', oidcConnector(oidc));
    if (github) connectors.set('github', githubConnector(github));
    built.set(ctx, connectors);
  }
  return connectors;
}
