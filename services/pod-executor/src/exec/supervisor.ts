// The shell scripts that run inside a step's pod. They need nothing but a POSIX `sh` with
// `head`, `tail`, `wc`, `mkdir`, `mv` and `sleep` (busybox has them all), and keep the command's
// output and exit status in files on the pod's state volume, so a new executor can re-attach.
import { stateMountPath } from '../pods/volumes.ts';

// Runs the command exactly once: the `started` directory is created atomically before it runs, and
// a second start (a redelivered job) finds it and leaves. Stdin arrives whole before the command runs.
//
// The command writes into two FIFOs; a `tee` on each appends to the output file and copies to this
// exec's own stdout or stderr, so the executor gets the output live on the exec that started it, and
// the files keep it for an executor that re-attaches (with the follow script below). The tees ignore
// SIGPIPE: when the exec's stream breaks, they keep writing the files and the command never notices.
// Nothing but the tees writes to the exec's streams, so what arrives live is byte for byte what the
// files hold, from offset 0. The command runs in a session of its own (`setsid`, where the image
// has it): a stop signals all of its processes, and once it exits, what it left running is killed,
// so its outputs are a consistent snapshot for archiving. The status file is written once the tees
// have finished (output that a leftover process outside the session keeps writing is cut after a
// second), so a follower that sees it has all the output. A command that does not exist is not
// started: status 127, nothing in the log, and a `missing` file that tells the executor so (it
// reports it as Concourse words it, instead of the complaint of `setsid` or the shell). The script
// exits with the command's status; `notStartedStatus` and `stdinIncompleteStatus` mean this exec
// started nothing.
export const notStartedStatus = 197;
export const stdinIncompleteStatus = 196;

// The scripts find their tools (tee, mkfifo, head, wc, setsid, tar...) in the usual directories
// too: a task's params may set a PATH without them. The step's own command is looked up, and runs,
// with the task's PATH alone.
const usualPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const withUsualPath = (script: string): string =>
  `PATH="\${PATH:+$PATH:}${usualPath}"; export PATH\n${script}`;

/**
 * A shell function `present <command>`: true for a path naming something, or a name with an
 * executable file on `$search_path`. Shell builtins do not count, as they do not for the runtime's
 * exec, which is what runs a step's command or an intercepted process.
 */
export const presentFunction = `present() {
  case $1 in */*) [ -e "$1" ]; return ;; '') return 1 ;; esac
  set -f; ifs=$IFS; IFS=:
  for dir in \${search_path:-${usualPath}}; do
    if [ -f "\${dir:-.}/$1" ] && [ -x "\${dir:-.}/$1" ]; then IFS=$ifs; set +f; return 0; fi
  done
  IFS=$ifs; set +f; return 1
}`;

const startScript = `task_path=$PATH; search_path=$PATH
PATH="\${PATH:+$PATH:}${usualPath}"; export PATH
s=$1; d=$2; n=$3; t=$4; shift 4
${presentFunction}
exec 5>&1 6>&2 >/dev/null 2>&1
if [ "$n" -gt 0 ]; then head -c "$n" >"$s/stdin.$t"; else : >"$s/stdin.$t"; fi
got=$(wc -c <"$s/stdin.$t"); got=$((got + 0))
if [ "$got" -ne "$n" ]; then rm -f "$s/stdin.$t"; echo "stdin incomplete: $got of $n bytes" >&6; exit ${stdinIncompleteStatus}; fi
if ! mkdir "$s/started"; then rm -f "$s/stdin.$t"; exit ${notStartedStatus}; fi
mv "$s/stdin.$t" "$s/stdin"
: >"$s/stdout"; : >"$s/stderr"
rm -f "$s/stdout.pipe" "$s/stderr.pipe"; mkfifo "$s/stdout.pipe" "$s/stderr.pipe"
( trap '' PIPE; exec tee -a "$s/stdout" <"$s/stdout.pipe" >&5 5>&- 6>&- ) &
o=$!
( trap '' PIPE; exec tee -a "$s/stderr" <"$s/stderr.pipe" >&6 5>&- 6>&- ) &
e=$!
exec 3>"$s/stdout.pipe" 4>"$s/stderr.pipe" 5>&- 6>&-
g=$(command -v setsid); case $g in /*) ;; *) g= ;; esac
if ! cd "$d" 2>&4; then
  exec 3>&- 4>&-
  code=1
elif ! present "$1"; then
  exec 3>&- 4>&-
  : >"$s/missing"
  code=127
else
  PATH=$task_path $g "$@" <"$s/stdin" >&3 2>&4 3>&- 4>&- &
  p=$!
  echo "$p" >"$s/pid"
  ( while [ ! -e "$s/stop" ]; do sleep 0.2 2>/dev/null || sleep 1; done
    kill -TERM -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; t=$(cat "$s/stop"); i=0
    while kill -0 "$p" 2>/dev/null && [ "$i" -lt "$((t * 5))" ]; do sleep 0.2; i=$((i + 1)); done
    kill -KILL -"$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null ) 3>&- 4>&- </dev/null &
  w=$!
  exec 3>&- 4>&-
  wait "$p"
  code=$?
  kill "$w" 2>/dev/null
  [ -z "$g" ] || kill -KILL -"$p" 2>/dev/null
fi
( sleep 1; kill "$o" "$e" ) </dev/null &
k=$!
wait "$o" "$e"
kill "$k"
echo "$code" >"$s/status.tmp" && mv "$s/status.tmp" "$s/status"
exit "$code"
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
    withUsualPath(followScript),
    'jetbridge-follow',
    stateDir,
    String(offsets.stdout),
    String(offsets.stderr),
  ];
}

export function probeCommand(stateDir = stateMountPath): string[] {
  return ['sh', '-c', withUsualPath(probeScript), 'jetbridge-probe', stateDir];
}

export function statusCommand(stateDir = stateMountPath): string[] {
  return ['sh', '-c', withUsualPath('cat "$1/status"'), 'jetbridge-status', stateDir];
}

/** Exits 0 when the supervisor found the step's command missing and started nothing. */
export function missingCommand(stateDir = stateMountPath): string[] {
  return ['sh', '-c', '[ -e "$1/missing" ]', 'jetbridge-missing', stateDir];
}

export function signalCommand(graceSeconds: number, stateDir = stateMountPath): string[] {
  return [
    'sh',
    '-c',
    withUsualPath(signalScript),
    'jetbridge-signal',
    stateDir,
    String(graceSeconds),
  ];
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
