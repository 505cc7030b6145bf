import test from 'ava';
import { checkOfficial, parseOfficialMd5 } from '../src/officialmd5.js';
import { decide, type RunObservation } from '../src/verdict.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);

test('parses VP8 .md5 files (md5, two spaces, frame name)', (t) => {
  const f = parseOfficialMd5(`${A.toUpperCase()}  s-176x144-0001.i420\n${B}  s-176x144-0002.i420\n\n`);
  t.deepEqual(f, [{ md5: A, name: 's-176x144-0001.i420' }, { md5: B, name: 's-176x144-0002.i420' }]);
  t.throws(() => parseOfficialMd5('nothex  x\n', 'f.md5'), { message: /f\.md5 line 1/ });
});

test('official check counts differing, missing and extra frames', (t) => {
  const off = parseOfficialMd5(`${A}\n${B}\n${C}\n`);
  t.deepEqual(checkOfficial([A, B, C], off), { checked: 3, expected: 3, mismatches: 0, first_mismatch: null });
  t.deepEqual(checkOfficial([A, C, C], off), { checked: 3, expected: 3, mismatches: 1, first_mismatch: 1 });
  t.deepEqual(checkOfficial([A, B], off), { checked: 2, expected: 3, mismatches: 1, first_mismatch: 2 });
});

const frame = (md5: string): { stream: number; pts: string; size: number; md5: string } => ({ stream: 0, pts: '0', size: 10, md5 });
const run = (i420: string[]): RunObservation => ({
  exitCode: 0, signal: undefined, timedOut: false, timeoutSeconds: 1, stderr: '',
  stats: { ok: true, stats: { decoded: 2, decode_errors: 0, images_read: 2, exports: 0, extra: {} } },
  frames: [frame(A), frame(B)], wholeMd5: null, i420Frames: i420.map(frame),
});

test('a vector matching the software reference still fails when the official per-frame MD5s differ', (t) => {
  const ref = { expectation: 'decode' as const, frames: [frame(A), frame(B)], result: undefined, official: parseOfficialMd5(`${C}\n${B}\n`) };
  const d = decide(run([A, B]), ref);
  t.is(d.verdict, 'fail');
  t.is(d.firstMismatch, 0);
  t.regex(d.reason, /official per-frame MD5 differs/);
  const ok = decide(run([C, B]), ref);
  t.is(ok.verdict, 'pass');
  t.regex(ok.reason, /official per-frame MD5s/);
  t.deepEqual(ok.official, { checked: 2, expected: 2, mismatches: 0, first_mismatch: null });
});

test('official MD5s without I420 output frames are an error, not a pass', (t) => {
  const r = { ...run([]), i420Frames: null };
  t.is(decide(r, { expectation: 'decode', frames: [frame(A), frame(B)], result: undefined, official: parseOfficialMd5(`${A}\n`) }).verdict, 'error');
});
