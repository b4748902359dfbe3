// fly's build output renderer: prints what a build's events say and returns the exit code.
import type { FlyIO } from '../io.ts';
import { EventSource } from './sse.ts';
import { EventParseError, GoPanic, parseBuildEvent } from './parse.ts';
import type { Target } from '../target.ts';

const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export interface RenderOptions {
  ignoreEventParsingErrors?: boolean;
  retryMs?: number;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Opens the build's event stream; errors of the first connection surface here. */
export async function openBuildEvents(
  target: Target,
  buildId: string,
  retryMs = 1000,
): Promise<EventSource> {
  const source = new EventSource(
    (lastId) =>
      target.stream(
        '/api/v1/builds/:build_id/events',
        { params: { build_id: buildId } },
        lastId ? { 'Last-Event-ID': lastId } : {},
      ),
    retryMs,
    target.io.abort.signal,
  );
  await source.open();
  return source;
}

export async function renderBuild(
  io: FlyIO,
  source: EventSource,
  opts: RenderOptions = {},
): Promise<number> {
  let exitStatus = 0;
  for (;;) {
    let event;
    try {
      const sse = await source.next();
      if (sse === null) return exitStatus;
      event = parseBuildEvent(sse);
      if (event === null) return exitStatus;
    } catch (err) {
      if (err instanceof GoPanic) throw err;
      // Stopped from outside (Ctrl-C, a timeout): the reason ends the command, not a parse error.
      if (io.abort.signal.aborted) throw io.abort.signal.reason;
      if (opts.ignoreEventParsingErrors && err instanceof EventParseError && err.skippable)
        continue;
      io.println(`failed to parse next event: ${(err as Error).message}`);
      return 255;
    }

    const d = event.data;
    switch (event.type) {
      case 'log':
        io.print(str(d.payload));
        break;
      case 'waiting-for-worker':
        io.print(`${BOLD}no suitable workers found, waiting for worker...${RESET}\n`);
        break;
      case 'selected-worker':
        io.print(`${BOLD}selected worker:${RESET} ${str(d.selected_worker)}\n`);
        break;
      case 'streaming-volume':
        io.print(
          `${BOLD}streaming volume${RESET} ${str(d.volume)} ${BOLD}from worker${RESET} ${str(d.source_worker)}\n`,
        );
        break;
      case 'waiting-for-streamed-volume':
        io.print(
          `${BOLD}waiting for volume${RESET} ${str(d.volume)} ${BOLD}to be streamed by another step${RESET}\n`,
        );
        break;
      case 'initialize-check':
        io.print(`${BOLD}initializing check:${RESET} ${str(d.name)}\n`);
        break;
      case 'initialize-task':
        io.print(`${BOLD}initializing${RESET}\n`);
        break;
      case 'start-task': {
        const run = ((d.config ?? {}) as Record<string, unknown>).run as
          Record<string, unknown> | undefined;
        const args = Array.isArray(run?.args) ? (run.args as unknown[]).map(String) : [];
        io.print(`${BOLD}running ${[str(run?.path), ...args].join(' ')}${RESET}\n`);
        break;
      }
      case 'finish-task':
        exitStatus = typeof d.exit_status === 'number' ? d.exit_status : 0;
        break;
      case 'error':
        io.print(`${str(d.message)}\n`);
        break;
      case 'status': {
        const status = str(d.status);
        if (status === 'started') break;
        if (status === 'failed') exitStatus ||= 1;
        else if (status === 'errored') exitStatus ||= 2;
        else if (status === 'aborted') exitStatus ||= 3;
        else if (status !== 'succeeded') {
          io.print(`unknown status: ${status}`);
          return 255;
        }
        io.print(`${status}\n`);
        return exitStatus;
      }
      default:
        break;
    }
  }
}
