import path from 'node:path';
import test from 'ava';
import { outcomeOf, parseSet, summarizeExpectations } from '../src/confset.js';
import { UsageError } from '../src/errors.js';
import type { VectorReport } from '../src/report/types.js';

const setText = (over: Record<string, unknown> = {}): string => JSON.stringify({
  name: 'x',
  suites: [
    { suite: 'vectors:VP8', expected: { a: { verdict: 'error', reason: 'known bug' } } },
    { suite: 'suites/local.json' },
    { suite: 'vectors:AV1', enabled: false, note: 'later' },
  ],
  ...over,
});

test('a set resolves suite paths against its own directory and keeps vectors:/corpus: names', (t) => {
  const s = parseSet(setText(), '/repo/conformance/sets/x.json');
  t.deepEqual(s.suites.map((x) => x.suite), ['vectors:VP8', path.resolve('/repo/conformance/sets/suites/local.json'), 'vectors:AV1']);
  t.deepEqual(s.suites.map((x) => x.enabled), [true, true, false]);
  t.deepEqual(s.suites[0]?.expected['a'], { verdict: 'error', reason: 'known bug' });
  t.is(s.suites[2]?.note, 'later');
});

for (const [what, text, re] of [
  ['no suites', JSON.stringify({ name: 'x', suites: [] }), /suites/],
  ['an unknown key', JSON.stringify({ name: 'x', suites: [{ suite: 'a', expect: {} }] }), /additional properties/],
  ['expected verdict pass', JSON.stringify({ name: 'x', suites: [{ suite: 'a', expected: { v: { verdict: 'pass', reason: 'r' } } }] }), /verdict/],
  ['an expected entry without a reason', JSON.stringify({ name: 'x', suites: [{ suite: 'a', expected: { v: { verdict: 'fail' } } }] }), /reason/],
  ['a suite listed twice', JSON.stringify({ name: 'x', suites: [{ suite: 'vectors:A' }, { suite: 'vectors:A' }] }), /twice/],
  ['invalid JSON', '{', /invalid JSON/],
] as const) {
  test(`a set with ${what} is a one-line usage error`, (t) => {
    const err = t.throws(() => parseSet(text, '/s.json'), { instanceOf: UsageError });
    t.regex(err?.message ?? '', re);
    t.false((err?.message ?? '').includes('\n'));
  });
}

test('outcomes: unlisted non-pass is unexpected, listed one as expected only with the same verdict, listed pass is an unexpected pass', (t) => {
  const known = { verdict: 'error', reason: 'r' } as const;
  t.is(outcomeOf('pass', undefined), 'as-expected');
  t.is(outcomeOf('fail', undefined), 'unexpected');
  t.is(outcomeOf('error', known), 'as-expected');
  t.is(outcomeOf('fail', known), 'unexpected');
  t.is(outcomeOf('pass', known), 'unexpected-pass');
  t.is(outcomeOf('unsupported', undefined, 'unsupported'), 'as-expected');
  t.is(outcomeOf('pass', undefined, 'unsupported'), 'unexpected');
});

const v = (name: string, verdict: VectorReport['verdict'], outcome: NonNullable<VectorReport['outcome']>, expected: VectorReport['expected'] = null): VectorReport => ({
  suite: 'S', name, verdict, reason: 'r', frames: 1, mismatches: 0, first_mismatch: null, expected_frames: 1, duration_ms: 1, stats: null, outcome, expected,
});

test('expectations hold only without unexpected results, unexpected passes or stale entries', (t) => {
  const ok = summarizeExpectations([v('a', 'pass', 'as-expected'), v('b', 'error', 'as-expected', { verdict: 'error', reason: 'x' })], []);
  t.true(ok.held);
  t.is(ok.known_non_pass, 1);
  const bad = summarizeExpectations([v('a', 'fail', 'unexpected'), v('b', 'pass', 'unexpected-pass', { verdict: 'error', reason: 'x' })], ['S/c: stale']);
  t.false(bad.held);
  t.is(bad.unexpected.length, 1);
  t.regex(bad.unexpected_pass[0] ?? '', /S\/b: passes now .*remove it/);
  t.deepEqual(bad.stale, ['S/c: stale']);
  t.false(summarizeExpectations([], ['S/x']).held);
});
