import test from 'ava';
import { toResult } from '../src/report/json.js';
import { validateResult } from '../src/report/schema.js';
import { summarize, type VectorReport } from '../src/report/types.js';

const vec: VectorReport = { suite: 'S', name: 'a', verdict: 'fail', reason: 'MD5 differs', frames: 3, mismatches: 1, first_mismatch: 1, expected_frames: 3,
  duration_ms: 10, stats: { decoded: 3, decode_errors: 0, images_read: 3, exports: 0, extra: { ioctls: 40 } }, official_frames: null,
  decode: { input: '/a.ivf', codec: 'VP9', output_format: 'yuv420p', ffmpeg_input_options: [], ffmpeg_output_options: [] }, command: ['ffmpeg'], stderr: '' };

const result = (): Record<string, unknown> => JSON.parse(JSON.stringify(toResult(
  { suites: [{ name: 'S', arg: 's.json', codec: 'VP9', file: '/s.json', enabled: true, note: null, duration_ms: 10, summary: summarize([vec]) }], vectors: [vec], summary: summarize([vec]), expectations: null },
  { device: 'sim', build_dir: '/b', env: { VAREQ_SIM_FAULTS: 'x' }, set: null, duration_ms: 12 }))) as Record<string, unknown>;

test('a result written by toResult validates against the documented schema', (t) => {
  t.is(validateResult(result()), null);
});

test('the schema rejects missing fields, unknown verdicts and unknown keys', (t) => {
  const r1 = result();
  delete r1['summary'];
  t.regex(validateResult(r1) ?? '', /summary/);
  const r2 = result();
  (r2['vectors'] as Array<Record<string, unknown>>)[0]!['verdict'] = 'maybe';
  t.regex(validateResult(r2) ?? '', /verdict/);
  const r3 = result();
  r3['surprise'] = 1;
  t.regex(validateResult(r3) ?? '', /additional/);
  t.not(validateResult([]), null);
});
