// The shell scripts that run inside a step's pod. They need nothing but a POSIX `sh` with
// `head`, `tail`, `wc`, `mkdir`, `mv` and `sleep` (busybox has them all), and keep the command's
// output and exit status in files on the pod's state volume, so a new executor can re-attach.
import { stateMountPath } from '../pods/volumes.ts';

// Runs the command exactly once: the `started` directory is created atomically before it runs, and
// a second start (a redelivered job) finds it and leaves. Stdin arrives whole before the command runs.
const startScript = `s=$1; d=$2; n=$3; t=$4; shift 4
if [ "$n" -gt 0 ]; then head -c "$n" >"$s/stdin.$t"; else : >"$s/stdin.$t"; fi
got=$(wc -c <"$s/stdin.$t"); got=$((got + 0))
if [ "$got" -ne "$n" ]; then rm -f "$s/stdin.$t"; echo "stdin incomplete: $got of $n bytes" >&2; exit 90; fi
if ! mkdir "$s/started" 2>/dev/null; then rm -f "$s/stdin.$t"; exit 0; fi
mv "$s/stdin.$t" "$s/stdin"
: >"$s/stdout"; : >"$s/stderr"
if cd "$d" 2>>"$s/stderr"; then
  "$@" <"$s/stdin" >>"$s/stdout" 2>>"$s/stderr" &
  p=$!
  echo "$p" >"$s/pid"
  ( while [ ! -e "$s/stop" ]; do sleep 0.2 2>/dev/null || sleep 1; done
    kill -TERM "$p" 2>/dev/null; g=$(cat "$s/stop"); i=0
    while kill -0 "$p" 2>/dev/null && [ "$i" -lt "$((g * 5))" ]; do sleep 0.2; i=$((i + 1)); done
    kill -KILL "$p" 2>/dev/null ) >/dev/null 2>&1 </dev/null &
  w=$!
  wait "$p"
  code=$?
  kill "$w" 2>/dev/null
else
  code=1
fi
echo "$code" >"$s/status.tmp" && mv "$s/status.tmp" "$s/status"
`;

// Streams both output files from the given byte offsets until the status file exists and every
// byte written before it has been sent. The status is checked before the sizes, so nothing is lost.
// It exits with the command's exit status, so a success needs no further exec to be read.
const followScript = `s=$1; o=$2; e=$3
while :; do
  if [ -e "$s/status" ]; then last=1; else last=0; fi
  if [ -f "$s/stdout" ]; then n=$(wc -c <"$s/stdout"); n=$((n + 0)); else n=0; fi
  if [ "$n" -gt "$o" ]; then tail -c +$((o + 1)) "$s/stdout" | head -c $((n - o)); o=$n; fi
  if [ -f "$s/stderr" ]; then n=$(wc -c <"$s/stderr"); n=$((n + 0)); else n=0; fi
  if [ "$n" -gt "$e" ]; then tail -c +$((e + 1)) "$s/stderr" | head -c $((n - e)) >&2; e=$n; fi
  if [ "$last" = 1 ]; then exit "$(cat "$s/status")"; fi
  sleep 0.1 2>/dev/null || sleep 1
done
`;

// Tells whether the image has a shell and how far an earlier executor got.
const probeScript = `echo jetbridge-sh
if [ -d "$1/started" ]; then echo started; fi
if [ -e "$1/status" ]; then echo finished; fi
`;

// Asks the supervisor to stop the command: it sends SIGTERM, then SIGKILL after the grace period
// (the supervisor shares the command's process namespace, which another exec may not). Waits,
// bounded, until the exit status is written; quiet when nothing was started.
const signalScript = `[ -e "$1/pid" ] || exit 0
echo "$2" >"$1/stop.tmp" && mv "$1/stop.tmp" "$1/stop"
i=0
while [ ! -e "$1/status" ] && [ "$i" -lt "$(($2 * 5 + 5))" ]; do sleep 0.2; i=$((i + 1)); done
exit 0
`;

export interface StartArgs {
  dir: string;
  stdinBytes: number;
  token: string;
  path: string;
  args: string[];
}

export function startCommand(start: StartArgs, stateDir = stateMountPath): string[] {
  return [
    'sh',
    '-c',
    startScript,
    'jetbridge-start',
    stateDir,
    start.dir,
    String(start.stdinBytes),
    start.token,
    start.path,
    ...start.args,
  ];
}

export function followCommand(
  offsets: { stdout: number; stderr: number },
  stateDir = stateMountPath,
): string[] {
  return [
    'sh',
    '-c',
    followScript,
    'jetbridge-follow',
    stateDir,
    String(offsets.stdout),
    String(offsets.stderr),
  ];
}

export function probeCommand(stateDir = stateMountPath): string[] {
  return ['sh', '-c', probeScript, 'jetbridge-probe', stateDir];
}

export function statusCommand(stateDir = stateMountPath): string[] {
  return ['cat', `${stateDir}/status`];
}

export function signalCommand(graceSeconds: number, stateDir = stateMountPath): string[] {
  return ['sh', '-c', signalScript, 'jetbridge-signal', stateDir, String(graceSeconds)];
}

export interface ProbeResult {
  hasShell: boolean;
  started: boolean;
  finished: boolean;
}

export function parseProbe(stdout: string): ProbeResult {
  const lines = stdout.split('\n');
  return {
    hasShell: lines.includes('jetbridge-sh'),
    started: lines.includes('started'),
    finished: lines.includes('finished'),
  };
}
