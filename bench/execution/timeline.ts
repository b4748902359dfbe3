// Where a build's time goes, read from the services' own log lines (pino JSON with `time` in ms):
// trigger → build claimed by a web replica → step pod created by the executor.
interface LogLine {
  time?: number | string;
  msg?: string;
  build_id?: number;
}

function logLines(output: string): LogLine[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Wall-clock ms of the first `msg` line of each build, from the given process outputs. */
export function firstEventTimes(outputs: string[], msg: string): Map<number, number> {
  const times = new Map<number, number>();
  for (const line of outputs.flatMap(logLines)) {
    if (line.msg !== msg || typeof line.build_id !== 'number' || times.has(line.build_id)) continue;
    times.set(line.build_id, new Date(line.time ?? 0).getTime());
  }
  return times;
}
