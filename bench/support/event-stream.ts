// What the benchmarks share to watch builds as fly does: a token from the password grant fly uses,
// and a build's server-sent events, one parsed event at a time.
export { apiToken } from '../../test/support/api-token.ts';

// The data of one event block: its `data:` lines joined, or null when it has none.
function dataOf(block: string): string | null {
  const lines = block.split('\n').filter((line) => line.startsWith('data:'));
  return lines.length === 0 ? null : lines.map((line) => line.slice(5).trim()).join('\n');
}

/**
 * The build's events as fly reads them, parsed, until the stream ends or `boundMs` passes. A
 * large event spans many chunks: they are joined once its blank line has come, not at each chunk.
 */
export async function* buildEventStream<T>(
  url: string,
  token: string,
  buildId: number,
  boundMs: number,
): AsyncGenerator<T> {
  const response = await fetch(`${url}/api/v1/builds/${buildId}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(boundMs),
  });
  if (!response.ok || !response.body) throw new Error(`events failed: ${response.status}`);
  const decoder = new TextDecoder();
  let parts: string[] = [];
  const take = (tail: string): T | null => {
    const data = dataOf(parts.join('') + tail);
    parts = [];
    return data === null ? null : (JSON.parse(data) as T);
  };
  try {
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk, { stream: true });
      let start = 0;
      // The blank line that ends an event, split between the last chunk and this one.
      if (text.startsWith('\n') && parts.at(-1)?.endsWith('\n')) {
        const event = take('');
        if (event !== null) yield event;
        start = 1;
      }
      for (let end = text.indexOf('\n\n', start); end >= 0; end = text.indexOf('\n\n', start)) {
        const event = take(text.slice(start, end));
        if (event !== null) yield event;
        start = end + 2;
      }
      if (start < text.length) parts.push(text.slice(start));
    }
  } finally {
    await response.body.cancel().catch(() => {});
  }
}
