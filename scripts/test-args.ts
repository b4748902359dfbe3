// The arguments of `npm test`: options, with their values, for `node --test`, and the words that
// name files or folders of tests to run.

// The node options that take a value; a word after one of them (without `=`) is its value.
const valueOptions = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-shard',
  '--test-concurrency',
  '--test-timeout',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--test-coverage-branches',
  '--test-coverage-functions',
  '--test-coverage-lines',
  '--test-global-setup',
  '--test-isolation',
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--env-file',
  '--max-old-space-size',
]);

export function splitTestArgs(argv: string[]): { nodeArgs: string[]; paths: string[] } {
  const nodeArgs: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      nodeArgs.push(arg);
      if (valueOptions.has(arg) && i + 1 < argv.length) nodeArgs.push(argv[++i]!);
    } else {
      paths.push(arg);
    }
  }
  return { nodeArgs, paths };
}
