import test from 'ava';
import { toJson, toResult } from '../src/report/json.js';
import { renderTable } from '../src/report/table.js';
import { summarize, type VectorReport } from '../src/report/types.js';

const v = (name: string, verdict: VectorReport['verdict'], over: Partial<VectorReport> = {}): VectorReport => ({
  suite: 's', name, verdict, reason: verdict === 'pass' ? 'all frames match' : 'MD5 differs', frames: 10, mismatches: 0,
  first_mismatch: null, expected_frames: 10, duration_ms: 5, stats: null, ...over,
});

const vectors = [v('a', 'pass'), v('b', 'fail', { mismatches: 3, first_mismatch: 4 }), v('c', 'unsupported'), v('d', 'error')];

test('summary counts verdicts', (t) => {
  t.deepEqual(summarize(vectors), { pass: 1, fail: 1, unsupported: 1, error: 1, total: 4 });
});

test('JSON report has the documented fields', (t) => {
  const data = JSON.parse(toJson(toResult({ suites: [], vectors, summary: summarize(vectors), expectations: null }, { device: 'sim', build_dir: '/b', env: {}, set: null, duration_ms: 1 }))) as {
    vectors: Array<Record<string, unknown>>;
    summary: Record<string, number>;
  };
  for (const key of ['pass', 'fail', 'unsupported', 'error']) t.is(typeof data.summary[key], 'number');
  for (const entry of data.vectors) {
    for (const key of ['name', 'verdict', 'frames', 'mismatches', 'first_mismatch']) t.true(key in entry, key);
  }
  t.is(data.vectors[1]?.['first_mismatch'], 4);
});

test('table shows vector, frames, verdict and the first mismatching frame', (t) => {
  const out = renderTable({ suites: [], vectors, summary: summarize(vectors), expectations: null });
  t.regex(out, /vector/);
  t.regex(out, /frame 4: MD5 differs/);
  t.regex(out, /1 passed, 1 failed, 1 unsupported, 1 errors/);
  t.false(out.includes('\u001b['));
});

test('table with a conformance set marks known and unexpected results and says whether expectations held', (t) => {
  const vs = [v('k', 'error', { outcome: 'as-expected', expected: { verdict: 'error', reason: 'bug' } }), v('u', 'fail', { outcome: 'unexpected' })];
  const out = renderTable({ suites: [], vectors: vs, summary: summarize(vs), expectations: { held: false, as_expected: 1, known_non_pass: 1, unexpected: ['S/u: fail'], unexpected_pass: [], stale: [] } });
  t.regex(out, /known/);
  t.regex(out, /UNEXPECTED/);
  t.regex(out, /expectations NOT held: 1 unexpected/);
});

test('a large run lists only the vectors that did not pass, and says how many passing ones it left out', (t) => {
  const many = [...Array.from({ length: 60 }, (_, i) => v(`p${i}`, 'pass')), v('bad', 'fail', { mismatches: 1, first_mismatch: 2 })];
  const out = renderTable({ suites: [], vectors: many, summary: summarize(many), expectations: null });
  t.false(out.includes('p17'));
  t.regex(out, /bad/);
  t.regex(out, /60 passing vectors not listed/);
  t.regex(out, /60 passed, 1 failed/);
  const all = renderTable({ suites: [], vectors: many, summary: summarize(many), expectations: null }, { passRows: true });
  t.regex(all, /p17/);
  t.false(all.includes('not listed'));
});
