// Edge-case trees for artifact round trips, and a manifest that describes a tree exactly (type,
// mode, link count, content digest, link target, name). Both are busybox `sh` scripts, so the same
// generator and the same manifest run on this machine and inside step pods.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `sh -c generateTreeScript gen <root> <hardlinks 0|1> <big file bytes>`: regular files with
 * several modes, empty files and empty directories (with modes), relative, absolute, escaping and
 * dangling symlinks, an optional hard link, a path over 500 bytes, unicode and spaces in names, and
 * a large random file.
 */
export const generateTreeScript = `set -e
r=$1; hard=$2; big=$3
mkdir -p "$r"; cd "$r"
mkdir -p src/lib empty/nested/deeper locked 'src/目录 with spaces'
printf 'hello\\n' > src/hello.txt
printf '#!/bin/sh\\necho run\\n' > src/run.sh; chmod 755 src/run.sh
printf 'secret' > src/private; chmod 600 src/private
printf 'read only' > src/readonly; chmod 444 src/readonly
: > src/empty-file
printf 'lib' > src/lib/lib.a
printf 'unicode' > 'src/ünïcödé-文件-🐋.txt'
chmod 700 locked; chmod 750 empty/nested
ln -s hello.txt src/rel-link
ln -s ../src/lib src/up-link
ln -s /etc/hostname abs-link
ln -s does/not/exist dangling
ln -s ../../../../../outside escaping-link
if [ "$hard" = 1 ]; then ln src/hello.txt src/hard-link; fi
d=''; i=0; while [ $i -lt 100 ]; do d="\${d}d"; i=$(expr $i + 1); done
f=''; i=0; while [ $i -lt 200 ]; do f="\${f}f"; i=$(expr $i + 1); done
mkdir -p "deep/$d/$d/$d"; printf 'deep' > "deep/$d/$d/$d/$f"
head -c "$big" /dev/urandom > big.bin
`;

/** `sh -c manifestScript manifest <root>`: one line per entry below the root, sorted bytewise. */
export const manifestScript = `cd "$1" || exit 1
find . ! -path . | LC_ALL=C sort | while IFS= read -r p; do
  if [ -L "$p" ]; then printf 'l - - %s %s\\n' "$(readlink "$p")" "$p"
  elif [ -d "$p" ]; then printf 'd %s - - %s\\n' "$(stat -c %a "$p")" "$p"
  else printf 'f %s %s %s %s\\n' "$(stat -c %a "$p")" "$(stat -c %h "$p")" "$(md5sum < "$p" | cut -c1-32)" "$p"
  fi
done
`;

export async function generateLocalTree(
  root: string,
  opts: { hardLinks: boolean; bigBytes: number },
) {
  await run('busybox', [
    'sh',
    '-c',
    generateTreeScript,
    'gen',
    root,
    opts.hardLinks ? '1' : '0',
    String(opts.bigBytes),
  ]);
}

export async function localManifest(root: string): Promise<string> {
  const { stdout } = await run('busybox', ['sh', '-c', manifestScript, 'manifest', root], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** The text between `begin` and `end` marker lines of a build log. */
export function between(log: string, begin: string, end: string): string {
  const clean = log.replace(/\r\n/g, '\n');
  const from = clean.indexOf(`${begin}\n`);
  const to = clean.indexOf(`${end}\n`, from);
  if (from === -1 || to === -1) throw new Error(`no ${begin}..${end} section in:\n${log}`);
  return clean.slice(from + begin.length + 1, to);
}
