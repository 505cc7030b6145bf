import test from 'ava';
import { toJunit } from '../src/report/junit.js';
import { summarize, type ConformReport, type VectorReport } from '../src/report/types.js';
import { parseJunit } from './helpers/junit.js';

const v = (name: string, verdict: VectorReport['verdict'], over: Partial<VectorReport> = {}): VectorReport => ({
  suite: 'S1', name, verdict, reason: verdict === 'pass' ? 'ok' : 'bad <&> "x"', frames: 3, mismatches: verdict === 'fail' ? 1 : 0,
  first_mismatch: verdict === 'fail' ? 2 : null, expected_frames: 3, duration_ms: 1500, stats: null, ...over,
});

test('JUnit: one testcase per vector with classname = suite; fail → failure, error → error, unsupported → skipped', (t) => {
  const vectors = [v('a', 'pass'), v('b', 'fail'), v('c', 'error', { stderr: 'line1\nbad\u0001char' }), v('d', 'unsupported'), v('e', 'pass', { suite: 'S2' })];
  const report: ConformReport = { suites: [], vectors, summary: summarize(vectors), expectations: null };
  const xml = toJunit(report);
  const { suites } = parseJunit(xml);
  t.deepEqual(suites.map((s) => s['@_name']), ['S1', 'S2']);
  const cases = suites[0]?.testcase ?? [];
  t.deepEqual(cases.map((c) => [c['@_classname'], c['@_name']]), [['S1', 'a'], ['S1', 'b'], ['S1', 'c'], ['S1', 'd']]);
  t.is(suites[0]?.['@_failures'], '1');
  t.is(cases[1]?.failure?.['@_message'], 'frame 2: bad <&> "x"');
  t.is(cases[2]?.error?.['@_message'], 'bad <&> "x"');
  t.regex(cases[3]?.skipped?.['@_message'] ?? '', /^unsupported/);
  t.is(cases[0]?.failure, undefined);
  t.false(xml.includes('\u0001'));
});

test('JUnit with a conformance set: known non-pass is skipped, unexpected pass is a failure', (t) => {
  const vectors = [
    v('k', 'error', { outcome: 'as-expected', expected: { verdict: 'error', reason: 'known bug' } }),
    v('u', 'pass', { outcome: 'unexpected-pass', expected: { verdict: 'fail', reason: 'was broken' } }),
  ];
  const { suites } = parseJunit(toJunit({ suites: [], vectors, summary: summarize(vectors), expectations: null }));
  const cases = suites[0]?.testcase ?? [];
  t.regex(cases[0]?.skipped?.['@_message'] ?? '', /known error: known bug/);
  t.regex(cases[1]?.failure?.['@_message'] ?? '', /unexpected pass/);
});
