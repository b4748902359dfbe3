import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

function run(script: string, request: unknown, now: string, args: string[] = []) {
  const result = spawnSync(fileURLToPath(new URL(`../bin/${script}`, import.meta.url)), args, {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: process.env.PATH ?? '', JETBRIDGE_TIME_NOW: now },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const check = (request: unknown, now: string) => run('check', request, now);

describe('time check', () => {
  it('emits now on a first check, with nanoseconds as Go prints them', () => {
    assert.equal(
      check({ source: {} }, '2026-03-01T14:00:12.500000000Z').stdout,
      '[{"time":"2026-03-01T14:00:12.5Z"}]\n',
    );
  });

  it('writes versions in the offset of the location', () => {
    const result = check({ source: { location: 'America/New_York' } }, '2026-03-01T14:00:12.5Z');
    assert.equal(result.stdout, '[{"time":"2026-03-01T09:00:12.5-05:00"}]\n');
  });

  it('emits the previous version and now once the interval has elapsed', () => {
    const previous = { time: '2026-03-01T14:00:00Z' };
    const early = check({ source: { interval: '5m' }, version: previous }, '2026-03-01T14:04:59Z');
    assert.equal(early.stdout, '[{"time":"2026-03-01T14:00:00Z"}]\n');
    const due = check({ source: { interval: '5m' }, version: previous }, '2026-03-01T14:05:00.25Z');
    assert.equal(
      due.stdout,
      '[{"time":"2026-03-01T14:00:00Z"},{"time":"2026-03-01T14:05:00.25Z"}]\n',
    );
  });

  it('emits one version per day without interval or window', () => {
    const previous = { time: '2026-03-01T00:10:00Z' };
    assert.equal(
      check({ source: {}, version: previous }, '2026-03-01T23:59:00Z').stdout,
      '[{"time":"2026-03-01T00:10:00Z"}]\n',
    );
    assert.equal(
      check({ source: {}, version: previous }, '2026-03-02T00:00:01Z').stdout,
      '[{"time":"2026-03-01T00:10:00Z"},{"time":"2026-03-02T00:00:01Z"}]\n',
    );
  });

  it('emits nothing outside the start/stop window and now inside it', () => {
    const source = { start: '9:00 AM', stop: '5:00 PM', location: 'Europe/Berlin' };
    assert.equal(check({ source }, '2026-03-01T07:59:00Z').stdout, '[]\n');
    assert.equal(
      check({ source }, '2026-03-01T08:00:00Z').stdout,
      '[{"time":"2026-03-01T09:00:00+01:00"}]\n',
    );
    assert.equal(check({ source }, '2026-03-01T16:00:00Z').stdout, '[]\n');
  });

  it('handles a window across midnight', () => {
    const source = { start: '22:00', stop: '0200' };
    const previous = { time: '2026-03-01T22:30:00Z' };
    assert.equal(
      check({ source, version: previous }, '2026-03-02T01:00:00Z').stdout,
      '[{"time":"2026-03-01T22:30:00Z"}]\n',
    );
    assert.equal(
      check({ source }, '2026-03-02T01:59:00Z').stdout,
      '[{"time":"2026-03-02T01:59:00Z"}]\n',
    );
    assert.equal(check({ source }, '2026-03-02T02:00:00Z').stdout, '[]\n');
  });

  it('converts start and stop given with an offset to UTC wall times', () => {
    const source = { start: '3 PM -0500', stop: '4 PM -0500' };
    assert.equal(
      check({ source }, '2026-03-01T20:30:00Z').stdout,
      '[{"time":"2026-03-01T20:30:00Z"}]\n',
    );
    assert.equal(check({ source }, '2026-03-01T15:30:00Z').stdout, '[]\n');
  });

  it('only emits on the configured days of the location', () => {
    const source = { days: ['Monday', 'wed'], location: 'Asia/Tokyo' };
    // Sunday 2026-03-01 20:00 UTC is Monday 05:00 in Tokyo
    assert.equal(
      check({ source }, '2026-03-01T20:00:00Z').stdout,
      '[{"time":"2026-03-02T05:00:00+09:00"}]\n',
    );
    assert.equal(check({ source }, '2026-03-01T10:00:00Z').stdout, '[]\n');
  });

  it('emits nothing until strictly after start_after', () => {
    const source = { start_after: '2026-03-01T12:00', location: 'UTC' };
    assert.equal(check({ source }, '2026-03-01T12:00:00Z').stdout, '[]\n');
    assert.equal(
      check({ source }, '2026-03-01T12:00:01Z').stdout,
      '[{"time":"2026-03-01T12:00:01Z"}]\n',
    );
  });

  it('emits now at once with initial_version whatever the window', () => {
    const source = { initial_version: true, start: '1:00 AM', stop: '2:00 AM' };
    assert.equal(
      check({ source }, '2026-03-01T12:00:00Z').stdout,
      '[{"time":"2026-03-01T12:00:00Z"}]\n',
    );
  });

  it('re-emits the previous version in its canonical form', () => {
    const result = check(
      { source: { interval: '1h' }, version: { time: '2026-03-01T12:00:00.500000+00:00' } },
      '2026-03-01T12:10:00Z',
    );
    assert.equal(result.stdout, '[{"time":"2026-03-01T12:00:00.5Z"}]\n');
  });

  it('fails with the upstream texts on a bad source', () => {
    const unpaired = check({ source: { start: '9AM' } }, '2026-03-01T12:00:00Z');
    assert.equal(unpaired.status, 1);
    assert.equal(unpaired.stderr, "running command: must configure 'stop' if 'start' is set\n");
    assert.equal(
      check({ source: { stop: '9AM' } }, '2026-03-01T12:00:00Z').stderr,
      "running command: must configure 'start' if 'stop' is set\n",
    );
    assert.equal(
      check({ source: { days: ['Someday'] } }, '2026-03-01T12:00:00Z').stderr,
      'parse error: unknown weekday: Someday\n',
    );
    assert.equal(
      check({ source: { location: 'Mars/Base' } }, '2026-03-01T12:00:00Z').stderr,
      'parse error: unknown time zone Mars/Base\n',
    );
    assert.equal(
      check({ source: { interval: '5' } }, '2026-03-01T12:00:00Z').stderr,
      'parse error: time: missing unit in duration "5"\n',
    );
    assert.equal(
      check({ source: { start: '25:00', stop: '1:00' } }, '2026-03-01T12:00:00Z').stderr,
      'parse error: invalid time format: 25:00, must be one of: 3:04 PM -0700, 3PM -0700, 3 PM -0700, 15:04 -0700, 1504 -0700, 3:04 PM, 3PM, 3 PM, 15:04, 1504\n',
    );
    assert.equal(
      check({ source: { start: 1900, stop: '1:00' } }, '2026-03-01T12:00:00Z').stderr,
      'parse error: json: cannot unmarshal number into Go value of type string\n',
    );
  });
});

describe('time in', () => {
  it('writes input, timestamp and epoch for the requested version', () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'time-in-')), 'get');
    const request = {
      source: {
        interval: '90s',
        days: ['mon'],
        location: 'Europe/Berlin',
        start: '9AM',
        stop: '5PM',
        start_after: '2026-01-02',
      },
      params: { anything: true },
      version: { time: '2026-03-01T09:00:12.5-05:00' },
    };
    const result = run('in', request, '2026-03-05T00:00:00Z', [dest]);
    assert.equal(
      result.stdout,
      '{"version":{"time":"2026-03-01T09:00:12.5-05:00"},"metadata":null}\n',
    );
    assert.equal(
      readFileSync(join(dest, 'input'), 'utf8'),
      '{"source":{"initial_version":false,"interval":"1m30s","start":"9:00","stop":"17:00","days":["Monday"],"location":"Europe/Berlin","start_after":"2026-01-02T00:00:00"},"version":{"time":"2026-03-01T09:00:12.5-05:00"}}\n',
    );
    assert.equal(
      readFileSync(join(dest, 'timestamp'), 'utf8'),
      '2026-03-01 09:00:12.5 -0500 -0500',
    );
    assert.equal(readFileSync(join(dest, 'epoch'), 'utf8'), '1772373612');
  });

  it('uses the current time when the version has none', () => {
    const dest = mkdtempSync(join(tmpdir(), 'time-in-'));
    const result = run('in', { source: {}, version: {} }, '2026-03-05T01:02:03Z', [dest]);
    assert.equal(result.stdout, '{"version":{"time":"2026-03-05T01:02:03Z"},"metadata":null}\n');
    assert.equal(readFileSync(join(dest, 'timestamp'), 'utf8'), '2026-03-05 01:02:03 +0000 UTC');
    assert.equal(
      readFileSync(join(dest, 'input'), 'utf8'),
      '{"source":{"initial_version":false,"interval":null,"start":null,"stop":null,"days":null,"location":null,"start_after":null},"version":{"time":"2026-03-05T01:02:03Z"}}\n',
    );
  });
});

describe('time out', () => {
  it('emits the current time in the location as the new version', () => {
    const result = run(
      'out',
      { source: { location: 'Asia/Kolkata' }, params: { x: 1 } },
      '2026-03-01T00:00:00.123456789Z',
      ['/tmp/build/put'],
    );
    assert.equal(
      result.stdout,
      '{"version":{"time":"2026-03-01T05:30:00.123456789+05:30"},"metadata":null}\n',
    );
  });
});
