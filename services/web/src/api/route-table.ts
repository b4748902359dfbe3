// The shape of the API's route table. Every route is one row of data naming its auth rule, so a
// route cannot exist without one and tests can walk the whole table.
import type { Logger } from '@jetbridge/telemetry';
import type { WebSocket } from 'ws';
import type { Caller } from '../auth/caller.ts';
import type { Role } from '../auth/roles.ts';
import type { WebContext } from '../context.ts';
import type { BuildRow, PipelineRow, TeamRow } from './rows.ts';

export type AuthRule =
  /** Anonymous allowed; a present but invalid token is still rejected. */
  | { kind: 'open' }
  /** Any valid token. */
  | { kind: 'authn' }
  /** A role on `:team_name` (or admin). */
  | { kind: 'team'; role: Role }
  /** A role on the pipeline's team, or the pipeline (and `:job_name` when `jobPublic`) is public. */
  | { kind: 'pipeline'; role: Role; jobPublic?: boolean }
  /** Reading `:build_id`: its team, or a public pipeline (and public job when `jobPublic`). */
  | { kind: 'build-read'; jobPublic: boolean }
  /** Acting on `:build_id` with a role on its team. */
  | { kind: 'build-write'; role: Role }
  /** Owner of the admin team. */
  | { kind: 'admin' }
  /** Any role on any team. */
  | { kind: 'any-team' };

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface ApiRequest {
  ctx: WebContext;
  request: Request;
  /** Path captures, percent-decoded exactly once. */
  params: Record<string, string>;
  query: URLSearchParams;
  caller: Caller;
  log: Logger;
  /** Loaded by the authorizer when the path names them. */
  team: TeamRow | null;
  pipeline: PipelineRow | null;
  build: BuildRow | null;
}

export interface Route {
  method: Method;
  /** Pattern with `:capture` segments, e.g. `/api/v1/teams/:team_name/pipelines`. */
  path: string;
  auth: AuthRule;
  /** Reject the action with 409 when the pipeline is archived. */
  rejectArchived?: boolean;
  /** The pipeline named in the path may not exist yet (set-pipeline creates it). */
  createsPipeline?: boolean;
  /** The team named in the path may not exist yet (set-team creates it). */
  createsTeam?: boolean;
  handler: (req: ApiRequest) => Promise<Response>;
  /**
   * For websocket routes: runs once authorized, before the upgrade (it may still refuse with a
   * typed error), and returns what serves the socket after the upgrade.
   */
  websocket?: (req: ApiRequest) => Promise<(socket: WebSocket) => void>;
}
