// The help of each command shows the defaults that command really uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickstartCommand } from './quickstart.ts';
import { artifactsCommand } from './services.ts';
import { kubesimCommand } from './kubesim.ts';

/** The help line of one flag, with commander's wrapping undone. */
function helpOf(help: string, flag: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(flag));
  assert.notEqual(start, -1, `${flag} is in the help`);
  let text = lines[start]!.trim();
  for (const next of lines.slice(start + 1)) {
    if (next.trimStart().startsWith('-') || next.trim() === '') break;
    text += ` ${next.trim()}`;
  }
  return text.replace(/\s+/g, ' ');
}

test('quickstart help names its embedded Postgres and free artifact port, not a fixed address', () => {
  const help = quickstartCommand().helpInformation();
  const host = helpOf(help, '--postgres-host');
  assert.match(host, /embedded Postgres/);
  assert.doesNotMatch(host, /127\.0\.0\.1/);
  const port = helpOf(help, '--artifacts-bind-port');
  assert.match(port, /a free port/);
  assert.doesNotMatch(port, /7788/);
  assert.doesNotMatch(helpOf(help, '--artifact-store-dir'), /"\/artifacts"/);
});

test('the standalone artifact service keeps its fixed defaults', () => {
  const help = artifactsCommand().helpInformation();
  assert.match(helpOf(help, '--artifacts-bind-port'), /default: "7788"/);
  assert.match(helpOf(help, '--artifact-store-dir'), /default: "\/artifacts"/);
  assert.match(helpOf(help, '--postgres-host'), /default: "127\.0\.0\.1"/);
});

test('kubesim reads KUBESIM_* variables, never a CONCOURSE_* one meant for the services', () => {
  const help = kubesimCommand().helpInformation();
  for (const flag of ['--data-dir', '--port', '--namespace', '--claim']) {
    assert.match(helpOf(help, flag), /env: KUBESIM_/, flag);
  }
  assert.doesNotMatch(help, /CONCOURSE_/);
});
