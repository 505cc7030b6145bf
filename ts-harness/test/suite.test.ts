import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { EnvironmentError, UsageError } from '../src/errors.js';
import { loadSuite, parseSuite, resolveSuiteArg } from '../src/suite.js';

const MD5 = '0123456789abcdef0123456789abcdef';

function vector(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'v1', input_file: 'a.ivf', output_format: 'yuv420p', result: MD5, ...over };
}

function suiteText(vectors: unknown[], over: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'S', codec: 'VP9', description: 'd', test_vectors: vectors, ...over });
}

test('parses a valid fluster suite, resolving input_file against the suite directory', (t) => {
  const s = parseSuite(suiteText([vector(), vector({ name: 'v2', input_file: '/abs/b.ivf', result: '', frames: 3, future_field: 1 })]), '/x/y/suite.json');
  t.is(s.name, 'S');
  t.is(s.codec, 'VP9');
  t.is(s.vectors.length, 2);
  t.is(s.vectors[0]?.inputPath, '/x/y/a.ivf');
  t.is(s.vectors[0]?.result, MD5);
  t.is(s.vectors[0]?.expected, 'decode');
  t.is(s.vectors[1]?.inputPath, '/abs/b.ivf');
  t.is(s.vectors[1]?.result, undefined);
  t.is(s.vectors[1]?.frames, 3);
});

test('takes the official suites\' extra fields (expected, ffmpeg_input_options)', (t) => {
  const s = parseSuite(suiteText([
    vector({ expected: 'unsupported', result: '' }),
    vector({ name: 'v2', expected: 'no-crash', output_format: '', result: '' }),
    vector({ name: 'v3', ffmpeg_input_options: ['-export_side_data', 'film_grain'], decoder_options: { apply_grain: false } }),
  ]), '/s.json');
  t.deepEqual(s.vectors.map((v) => v.expected), ['unsupported', 'no-crash', 'decode']);
  t.deepEqual(s.vectors[2]?.ffmpegInputOptions, ['-export_side_data', 'film_grain']);
});

test('input_file falls back to the parent of the suite directory (suites/ beside the streams)', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'vareq-suite-'));
  mkdirSync(path.join(root, 'suites'));
  mkdirSync(path.join(root, 'vp8'));
  writeFileSync(path.join(root, 'vp8', 'a.ivf'), '');
  writeFileSync(path.join(root, 'suites', 'S.json'), suiteText([vector({ input_file: 'vp8/a.ivf' })]));
  const s = loadSuite(path.join(root, 'suites', 'S.json'));
  t.is(s.vectors[0]?.inputPath, path.join(root, 'vp8', 'a.ivf'));
});

test('invalid JSON is a one-line usage error naming the file', (t) => {
  const err = t.throws(() => parseSuite('{"name": "S",', '/bad.json'), { instanceOf: UsageError });
  t.regex(err?.message ?? '', /^suite \/bad\.json: invalid JSON/);
  t.false((err?.message ?? '').includes('\n'));
});

for (const [what, text, re] of [
  ['test_vectors', JSON.stringify({ name: 'S', codec: 'VP9' }), /test_vectors/],
  ['codec', JSON.stringify({ name: 'S', test_vectors: [] }), /codec/],
  ['vector result', suiteText([{ name: 'v', input_file: 'a', output_format: 'yuv420p' }]), /\/test_vectors\/0 .*result/],
  ['vector input_file', suiteText([{ name: 'v', result: MD5, output_format: 'yuv420p' }]), /input_file/],
] as const) {
  test(`missing ${what} is rejected`, (t) => {
    const err = t.throws(() => parseSuite(text, '/s.json'), { instanceOf: UsageError });
    t.regex(err?.message ?? '', re);
  });
}

test('a result that is not an MD5 is rejected', (t) => {
  t.throws(() => parseSuite(suiteText([vector({ result: 'xyz' })]), '/s.json'), { instanceOf: UsageError, message: /result/ });
});

test('duplicate vector names are rejected', (t) => {
  t.throws(() => parseSuite(suiteText([vector(), vector()]), '/s.json'), { instanceOf: UsageError, message: /duplicate/ });
});

test('unknown "expected" values are rejected', (t) => {
  t.throws(() => parseSuite(suiteText([vector({ expected: 'maybe' })]), '/s.json'), { instanceOf: UsageError, message: /expected/ });
});

test('a missing suite file is a usage error', (t) => {
  t.throws(() => loadSuite('/nonexistent/suite.json'), { instanceOf: UsageError, message: 'suite file not found: /nonexistent/suite.json' });
});

test('vectors:NAME names <VAREQ_VECTORS>/suites/NAME.json and says where vectors are expected when absent', (t) => {
  const saved = process.env['VAREQ_VECTORS'];
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-vectors-'));
    process.env['VAREQ_VECTORS'] = dir;
    t.is(resolveSuiteArg('vectors:VP8'), path.join(dir, 'suites', 'VP8.json'));
    process.env['VAREQ_VECTORS'] = path.join(dir, 'missing');
    t.throws(() => resolveSuiteArg('vectors:VP8'), { instanceOf: EnvironmentError, message: /official vectors expected in .*missing/ });
  } finally {
    if (saved === undefined) delete process.env['VAREQ_VECTORS'];
    else process.env['VAREQ_VECTORS'] = saved;
  }
});

test('corpus:CODEC is looked up in the run\'s build directory (--build-dir), and a missing corpus names the path', (t) => {
  const build = mkdtempSync(path.join(os.tmpdir(), 'vareq-build-'));
  const err = t.throws(() => resolveSuiteArg('corpus:vp9', build), { instanceOf: EnvironmentError });
  t.true(err?.message.includes(path.join(build, 'corpora', 'vp9', 'suite.json')), err?.message);
  mkdirSync(path.join(build, 'corpora', 'vp9'), { recursive: true });
  writeFileSync(path.join(build, 'corpora', 'vp9', 'suite.json'), '{}');
  t.is(resolveSuiteArg('corpus:vp9', build), path.join(build, 'corpora', 'vp9', 'suite.json'));
});
