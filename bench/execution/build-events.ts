// Triggers a job through the API and times its build from the event stream, as fly sees it.
import { apiToken, buildEventStream } from '../support/event-stream.ts';

const boundMs = 120_000;

export interface TimedBuild {
  buildId: number;
  status: string;
  /** Milliseconds from the trigger request to each moment. */
  firstLineMs: number;
  stepExitMs: number;
  finishedMs: number;
}

interface StreamEvent {
  event: string;
  data: { status?: string; exit_status?: number };
}

const terminal = new Set(['succeeded', 'failed', 'errored', 'aborted']);

export class BuildEvents {
  readonly #url: string;
  readonly #token: string;

  private constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
  }

  static async login(url: string, username: string, password: string): Promise<BuildEvents> {
    return new BuildEvents(url, await apiToken(url, username, password));
  }

  async runOne(pipeline: string, job: string): Promise<TimedBuild> {
    const started = performance.now();
    const response = await fetch(
      `${this.#url}/api/v1/teams/main/pipelines/${pipeline}/jobs/${job}/builds`,
      { method: 'POST', headers: { authorization: `Bearer ${this.#token}` } },
    );
    if (!response.ok) throw new Error(`trigger failed: ${response.status}`);
    const { id } = (await response.json()) as { id: number };
    const timed: TimedBuild = {
      buildId: id,
      status: '',
      firstLineMs: NaN,
      stepExitMs: NaN,
      finishedMs: NaN,
    };
    for await (const event of buildEventStream<StreamEvent>(this.#url, this.#token, id, boundMs)) {
      const at = performance.now() - started;
      if (event.event === 'log' && Number.isNaN(timed.firstLineMs)) timed.firstLineMs = at;
      if (event.event === 'finish-task') timed.stepExitMs = at;
      if (event.event === 'status' && terminal.has(event.data.status ?? '')) {
        timed.status = event.data.status!;
        timed.finishedMs = at;
        return timed;
      }
    }
    throw new Error(`build ${id}: event stream ended without a final status`);
  }
}
