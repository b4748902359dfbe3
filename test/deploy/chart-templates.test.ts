// The chart's templates read without helm: every flag in an args list is one the subcommand
// accepts, the flags it requires are given, and every CONCOURSE_* variable names a flag.
// chart.test.ts checks the rendered chart where helm is installed; this runs everywhere.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartDir } from './support/helm.ts';
import { concourseVariables, readArgsLists, templateFiles } from './support/template-args.ts';
import { envNames, inertProgram, longFlags, subcommand } from './support/jetbridge-argv.ts';

const program = inertProgram();
const files = templateFiles(chartDir);
const lists = files.flatMap((f) => readArgsLists(f, chartDir));

describe('the chart templates', () => {
  it('start a jetbridge subcommand in every service and the migrations', () => {
    assert.deepEqual(lists.map((l) => l.subcommand).sort(), [
      'artifacts',
      'migrate',
      'pod-executor',
      'reaper',
      'web',
    ]);
  });

  it('name only flags the subcommand accepts', () => {
    const unknown = lists.flatMap((l) => {
      const cmd = subcommand(program, l.subcommand);
      if (!cmd) return [`${l.file}: ${l.subcommand} is not a jetbridge subcommand`];
      const known = longFlags(cmd);
      return l.flags
        .filter((f) => !known.has(f))
        .map((f) => `${l.file}: jetbridge ${l.subcommand} ${f}`);
    });
    assert.deepEqual(unknown, []);
  });

  it('give every flag a subcommand requires, as a flag or through its variable', () => {
    const variables = new Set(files.flatMap(concourseVariables));
    const missing = lists.flatMap((l) => {
      const cmd = subcommand(program, l.subcommand)!;
      return cmd.options
        .filter((o) => o.mandatory && o.defaultValue === undefined)
        .filter((o) => !l.flags.includes(o.long!) && !variables.has(o.envVar!))
        .map((o) => `${l.file}: jetbridge ${l.subcommand} needs ${o.long}`);
    });
    assert.deepEqual(missing, []);
  });

  it('set only CONCOURSE_* variables that name a flag of some subcommand', () => {
    const known = new Set(program.commands.flatMap((c) => [...envNames(c)]));
    const unknown = files.flatMap(concourseVariables).filter((v) => !known.has(v));
    assert.deepEqual(unknown, []);
  });
});
