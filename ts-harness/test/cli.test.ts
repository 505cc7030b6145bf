import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { runCli } from './helpers/cli.js';

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

for (const args of [['--help'], ['conform', '--help'], ['report', '--help'], ['corpora', '--help'], ['corpora', 'build', '--help'], ['help', 'conform']]) {
  test(`vareq ${args.join(' ')} prints usage and exits 0`, async (t) => {
    const r = await runCli(args);
    t.is(r.exitCode, 0, r.stderr);
    t.regex(r.stdout, /Usage: vareq/);
  });
}

test('conform --help documents the options', async (t) => {
  const r = await runCli(['conform', '--help']);
  for (const opt of ['--suite', '--json', '--filter', '--timeout', '--env']) t.true(r.stdout.includes(opt), opt);
});

test('missing suite file: one line on stderr, exit 2', async (t) => {
  const r = await runCli(['conform', '--suite', '/nonexistent/suite.json']);
  t.is(r.exitCode, 2);
  t.deepEqual(lines(r.stderr), ['vareq: suite file not found: /nonexistent/suite.json']);
  t.is(r.stdout, '');
});

test('unknown option: one line, exit 2', async (t) => {
  const r = await runCli(['conform', '--bogus']);
  t.is(r.exitCode, 2);
  t.is(lines(r.stderr).length, 1);
  t.regex(r.stderr, /unknown option '--bogus'/);
});

test('unknown command and bad option values: exit 2', async (t) => {
  t.is((await runCli(['frobnicate'])).exitCode, 2);
  t.is((await runCli(['conform', '--suite', 'x.json', '--timeout', 'abc'])).exitCode, 2);
  t.is((await runCli(['conform'])).exitCode, 2);
  t.is((await runCli(['conform', '--suite', 'x.json', '--env', 'NOEQUALS'])).exitCode, 2);
});

test('invalid suite: one line, exit 2', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-cli-'));
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, '{"name": "x", "codec": "VP9"}');
  const r = await runCli(['conform', '--suite', file]);
  t.is(r.exitCode, 2);
  t.is(lines(r.stderr).length, 1);
  t.regex(r.stderr, /test_vectors/);
});

test('driver not built: environment error, exit 3', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-cli-'));
  const file = path.join(dir, 'ok.json');
  writeFileSync(file, JSON.stringify({ name: 's', codec: 'VP9', test_vectors: [] }));
  const r = await runCli(['conform', '--suite', file, '--build-dir', dir]);
  t.is(r.exitCode, 3);
  t.regex(r.stderr, /driver not built/);
});

test('ffmpeg missing: environment error, exit 3', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-cli-'));
  const file = path.join(dir, 'ok.json');
  writeFileSync(file, JSON.stringify({ name: 's', codec: 'VP9', test_vectors: [] }));
  const r = await runCli(['conform', '--suite', file, '--ffmpeg', path.join(dir, 'no-ffmpeg')]);
  t.is(r.exitCode, 3);
  t.regex(r.stderr, /not found/);
});

test('conform without --suite or --set, or with a missing set file: exit 2', async (t) => {
  const none = await runCli(['conform']);
  t.is(none.exitCode, 2);
  t.regex(none.stderr, /--set/);
  const r = await runCli(['conform', '--set', '/nonexistent/set.json']);
  t.is(r.exitCode, 2);
  t.deepEqual(lines(r.stderr), ['vareq: set file not found: /nonexistent/set.json']);
});

test('conform --help documents --set, --junit and --keep-output', async (t) => {
  const r = await runCli(['conform', '--help']);
  for (const opt of ['--set', '--junit', '--keep-output']) t.true(r.stdout.includes(opt), opt);
});
