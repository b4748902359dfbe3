// Triggers a job through the API and times its build from the event stream, as fly sees it.
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
    const response = await fetch(`${url}/sky/issuer/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('fly:Zmx5').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'password',
        username,
        password,
        scope: 'openid profile email federated:id groups',
      }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status}`);
    const { access_token: token } = (await response.json()) as { access_token: string };
    return new BuildEvents(url, token);
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
    for await (const event of this.#events(id)) {
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

  async *#events(buildId: number): AsyncGenerator<StreamEvent> {
    const response = await fetch(`${this.#url}/api/v1/builds/${buildId}/events`, {
      headers: { authorization: `Bearer ${this.#token}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(boundMs),
    });
    if (!response.ok || !response.body) throw new Error(`events failed: ${response.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (data) yield JSON.parse(data) as StreamEvent;
        }
      }
    } finally {
      await response.body.cancel().catch(() => {});
    }
  }
}
