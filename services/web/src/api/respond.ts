// Response builders with Go's encoding/json conventions: JSON ends with "\n" and its Content-Type is
// exactly `application/json`, which fly checks on set-pipeline.
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function empty(status: number): Response {
  return new Response(null, { status });
}
