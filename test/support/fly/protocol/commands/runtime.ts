// workers, containers and volumes: the runtime listings, in fly's table layouts.
import { stringify } from 'yaml';
import type { Command } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { pipelineRefString } from '../refs.ts';
import { renderTable } from '../table.ts';

const JSON_FLAG = { long: 'json', kind: 'bool' } as const;
const DETAILS_FLAG = { long: 'details', short: 'd', kind: 'bool' } as const;

interface Worker {
  name: string;
  active_containers?: number;
  active_tasks?: number;
  platform?: string;
  tags?: string[] | null;
  team?: string;
  state?: string;
  version?: string;
  start_time?: number;
  addr?: string;
  baggageclaim_url?: string;
  resource_types?: Array<{ type: string }> | null;
}

/** stringOrDefault: empty cells read `none` (or the given default). */
function orDefault(value: string, def = 'none'): string {
  return value === '' || value === '[]' ? def : value;
}

function ageCell(startTime: number | undefined, now: number): string {
  const start = startTime ?? 0;
  const age = now - start;
  if (start <= 0 || age < 0) return 'n/a';
  const minute = 60;
  const hour = minute * 60;
  const day = hour * 24;
  if (Math.floor(age / day) > 0) return `${Math.floor(age / day)}d`;
  if (Math.floor(age / hour) > 0)
    return `${Math.floor(age / hour)}h${Math.floor((age % hour) / minute)}m`;
  // fly prints minutes with an `h` and seconds with an `m` here; kept as it is.
  if (Math.floor(age / minute) > 0) return `${Math.floor(age / minute)}h${age % minute}m`;
  return `${age}s`;
}

export const workersCommand: Command = {
  name: 'workers',
  aliases: ['ws'],
  flags: [DETAILS_FLAG, JSON_FLAG],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const workers = (await target.json<Worker[] | null>('GET', '/api/v1/workers')) ?? [];
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(workers, null, '  '));
      return;
    }
    const info = await target.validate();
    const required = String(info.worker_version ?? '');
    const sorted = [...workers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const stalled = sorted.filter((w) => w.state === 'stalled');
    const live = sorted.filter((w) => w.state !== 'stalled');
    const compatible = (w: Worker) => isCompatible(w.version ?? '', required);
    const ordered = [...live.filter(compatible), ...live.filter((w) => !compatible(w)), ...stalled];
    const details = ctx.flags.bool('details');
    const now = Math.floor(Date.now() / 1000);
    const headers = ['name', 'containers', 'platform', 'tags', 'team', 'state', 'version', 'age'];
    if (details)
      headers.push('garden address', 'baggageclaim url', 'active tasks', 'resource types');
    const rows = ordered.map((w) => {
      const row = [
        w.name,
        String(w.active_containers ?? 0),
        w.platform ?? '',
        orDefault((w.tags ?? []).join(', ')),
        orDefault(w.team ?? ''),
        w.state ?? '',
        orDefault(w.version ?? ''),
        ageCell(w.start_time, now),
      ];
      if (details) {
        row.push(
          orDefault(w.addr ?? ''),
          orDefault(w.baggageclaim_url ?? ''),
          orDefault(String(w.active_tasks ?? 0)),
          orDefault((w.resource_types ?? []).map((t) => t.type).join(', ')),
        );
      }
      return row;
    });
    renderTable(ctx.io, headers, rows, ctx.printTableHeaders);
  },
};

/** Target.IsWorkerVersionCompatible: same major version, minor at least the required one. */
function isCompatible(version: string, required: string): boolean {
  if (required === '') return true;
  const [reqMajor, reqMinor] = required.split('.').map(Number);
  const [major, minor] = version.split('.').map(Number);
  if (Number.isNaN(major) || major === undefined) return false;
  return major === reqMajor && (minor ?? 0) >= (reqMinor ?? 0);
}

interface Container {
  id: string;
  worker_name?: string;
  type?: string;
  step_name?: string;
  resource_name?: string;
  attempt?: string;
  build_id?: number;
  build_name?: string;
  job_name?: string;
  pipeline_name?: string;
  pipeline_instance_vars?: Record<string, unknown>;
}

function byFirstCell(a: string[], b: string[]): number {
  const x = a[0] as string;
  const y = b[0] as string;
  return x < y ? -1 : x > y ? 1 : 0;
}

export const containersCommand: Command = {
  name: 'containers',
  aliases: ['cs'],
  flags: [JSON_FLAG, TEAM_FLAG],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const containers =
      (await target.json<Container[] | null>('GET', '/api/v1/teams/:team_name/containers', {
        params: { team_name: target.team },
      })) ?? [];
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(containers, null, '  '));
      return;
    }
    const rows = containers.map((c) => [
      c.id,
      c.worker_name ?? '',
      orDefault(
        pipelineRefString({ name: c.pipeline_name ?? '', instanceVars: c.pipeline_instance_vars }),
      ),
      orDefault(c.job_name ?? ''),
      orDefault(c.build_name ?? ''),
      c.build_id ? String(c.build_id) : 'none',
      c.type ?? '',
      orDefault((c.step_name ?? '') + (c.resource_name ?? '')),
      orDefault(c.attempt ?? '', 'n/a'),
    ]);
    rows.sort(byFirstCell);
    const headers = ['handle', 'worker', 'pipeline', 'job', 'build #', 'build id', 'type', 'name'];
    renderTable(ctx.io, [...headers, 'attempt'], rows, ctx.printTableHeaders);
  },
};

interface VolumeResourceType {
  resource_type?: VolumeResourceType | null;
  base_resource_type?: { name: string; version: string } | null;
  version?: Record<string, string> | null;
}

interface Volume {
  id: string;
  worker_name: string;
  type: string;
  container_handle?: string;
  path?: string;
  parent_handle?: string;
  pipeline_name?: string;
  job_name?: string;
  step_name?: string;
  resource_type?: VolumeResourceType | null;
  base_resource_type?: { name: string; version: string } | null;
}

/** yaml.Marshal of a map, one `key:value` per line, joined by commas without spaces. */
function presentMap(value: unknown): string {
  const text = stringify(value ?? null, { sortMapEntries: true }).trim();
  return text.split('\n').join(',').replaceAll(' ', '');
}

function presentResourceType(rt: VolumeResourceType | null | undefined): string {
  if (!rt) return '';
  if (rt.base_resource_type) return presentMap(rt.base_resource_type);
  if (rt.resource_type) {
    return `type:resource(${presentResourceType(rt.resource_type)}),version:${presentMap(rt.version)}`;
  }
  return '';
}

function volumeIdentifier(v: Volume, details: boolean): string {
  switch (v.type) {
    case 'container':
      if (!details) return v.container_handle ?? '';
      return (
        `container:${v.container_handle ?? ''},path:${v.path ?? ''}` +
        (v.parent_handle ? `,parent:${v.parent_handle}` : '')
      );
    case 'task-cache':
      return `${v.pipeline_name ?? ''}/${v.job_name ?? ''}/${v.step_name ?? ''}`;
    case 'resource':
      return details ? presentResourceType(v.resource_type) : presentMap(v.resource_type?.version);
    case 'resource-type':
      return details ? presentMap(v.base_resource_type) : (v.base_resource_type?.name ?? '');
    default:
      return 'n/a';
  }
}

export const volumesCommand: Command = {
  name: 'volumes',
  aliases: ['vs'],
  flags: [DETAILS_FLAG, JSON_FLAG],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const volumes =
      (await target.json<Volume[] | null>('GET', '/api/v1/teams/:team_name/volumes', {
        params: { team_name: target.team },
      })) ?? [];
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(volumes, null, '  '));
      return;
    }
    const sorted = [...volumes].sort((a, b) =>
      a.worker_name === b.worker_name
        ? a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0
        : a.worker_name < b.worker_name
          ? -1
          : 1,
    );
    const details = ctx.flags.bool('details');
    const rows = sorted.map((v) => [v.id, v.worker_name, v.type, volumeIdentifier(v, details)]);
    renderTable(ctx.io, ['handle', 'worker', 'type', 'identifier'], rows, ctx.printTableHeaders);
  },
};
