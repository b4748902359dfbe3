// What every part of the web service is handed at startup: no globals, the sinks are passed in.
import type { Bus } from '@jetbridge/bus';
import type { Pool, Wakeups } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import type { Registry } from 'prom-client';
import type { AuthSettings } from './auth/settings.ts';
import type { RecentBuildEvents } from './events/recent-build-events.ts';

export interface LocalUser {
  username: string;
  /** Plain text, or a bcrypt hash (`$2a$`/`$2b$`/`$2y$`). */
  password: string;
}

export interface WebSettings {
  bindIp: string;
  bindPort: number;
  /** The URL users reach JetBridge at, e.g. http://localhost:8080 (no trailing slash). */
  externalUrl: string;
  clusterName: string;
  /** Kubernetes namespace of step pods; the worker row is `k8s-<namespace>`. */
  namespace: string;
  localUsers: LocalUser[];
  /** Local users who own the `main` team (`--main-team-local-user`). */
  mainTeamLocalUsers: string[];
  /** Lifetime of access tokens (`--auth-duration`), in milliseconds. */
  authDurationMs: number;
  /** How long an engine's lease on a build lasts without renewal. */
  buildLeaseMs: number;
  /** Connectors, the main team's members and the session key; local users only when unset. */
  auth?: Partial<AuthSettings>;
}

export interface WebContext {
  settings: WebSettings;
  pool: Pool;
  wakeups: Wakeups;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  /** Unique per process: names the owner of the builds this replica drives. */
  replicaId: string;
  /** The events this replica stored last, for its own event streams. */
  recentEvents: RecentBuildEvents;
}
