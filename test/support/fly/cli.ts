// `fly` on the command line, for a machine without a fly binary: the protocol client the tests use,
// which speaks, prints and exits as fly does. Targets live in ~/.flyrc as fly keeps them, so a real
// fly can take over later. Standard input is read to its end before the command runs, so an
// interactive `fly intercept` shell is not possible; `fly intercept ... -- command` is.
//
//   node_modules/.bin/node test/support/fly/cli.ts -t local login -c http://localhost:8080 ...
import { homedir } from 'node:os';
import { FlyExit } from './protocol/errors.ts';
import { FlyIO } from './protocol/io.ts';
import { runProtocolFly } from './protocol/run.ts';

// Read as a stream: a pipe whose writer has not written yet is not an error, only a wait.
async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const stdin = await readStdin();
const io = new FlyIO(process.env.HOME ?? homedir(), { ...process.env }, stdin);

// A reader that stops early (`fly containers | head`) ends fly quietly, as SIGPIPE ends the real one.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}

let out = 0;
let err = 0;
io.onOutput(() => {
  process.stdout.write(io.stdout.slice(out));
  process.stderr.write(io.stderr.slice(err));
  out = io.stdout.length;
  err = io.stderr.length;
});
process.on('SIGINT', () => {
  if (!io.interrupt()) io.abort.abort(new FlyExit(130));
});

process.exitCode = await runProtocolFly(process.argv.slice(2), io);
