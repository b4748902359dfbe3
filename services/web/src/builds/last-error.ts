// The message of a build's last `error` event, for the places that report why a build (a check)
// failed. A message can quote a step's output, NUL included: the stored JSON keeps it as \u0000,
// which Postgres cannot turn into text, so it is read as U+FFFD instead of failing the query.

/** SQL for the message of the last error event of the build whose id is `buildId`, or NULL. */
export function lastErrorMessageSql(buildId: string): string {
  return `(SELECT replace(e.data::text, '\\u0000', '\\ufffd')::json->>'message'
     FROM build_events e WHERE e.build_id = ${buildId} AND e.type = 'error'
     ORDER BY e.event_id DESC LIMIT 1)`;
}
