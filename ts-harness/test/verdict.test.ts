import test from 'ava';
import type { FrameMd5 } from '../src/md5.js';
import { parseStats, type StatsRead } from '../src/stats.js';
import { FALLBACK_REASON, decide, driverDeclined, type Reference, type RunObservation } from '../src/verdict.js';

const fr = (c: string): FrameMd5 => ({ stream: 0, pts: '0', size: 152064, md5: c.repeat(32).slice(0, 32) });
const REF = [fr('a'), fr('b'), fr('c')];
const WHOLE = 'f'.repeat(32);

function stats(decoded: number, images_read = decoded, decode_errors = 0): StatsRead {
  return { ok: true, stats: { decoded, decode_errors, images_read, exports: 0, extra: {} } };
}

function run(over: Partial<RunObservation> = {}): RunObservation {
  return { exitCode: 0, signal: undefined, timedOut: false, timeoutSeconds: 60, stderr: '', stats: stats(4, 3), frames: REF, wholeMd5: WHOLE, ...over };
}

const ref = (over: Partial<Reference> = {}): Reference => ({ expectation: 'decode', frames: REF, result: WHOLE, ...over });

test('pass: all frames and the whole-output MD5 match; hidden frames decoded but not output', (t) => {
  const v = decide(run(), ref());
  t.is(v.verdict, 'pass');
  t.is(v.frames, 3);
  t.is(v.mismatches, 0);
  t.is(v.firstMismatch, null);
});

test('pass without a suite MD5', (t) => {
  t.is(decide(run(), ref({ result: undefined })).verdict, 'pass');
});

test('fail: a frame differs (first mismatch reported)', (t) => {
  const v = decide(run({ frames: [fr('a'), fr('x'), fr('y')] }), ref());
  t.is(v.verdict, 'fail');
  t.is(v.mismatches, 2);
  t.is(v.firstMismatch, 1);
});

test('fail: frames missing', (t) => {
  const v = decide(run({ frames: [fr('a'), fr('b')], stats: stats(2) }), ref());
  t.is(v.verdict, 'fail');
  t.is(v.firstMismatch, 2);
  t.regex(v.reason, /2 frames, expected 3/);
});

test('fail: the whole-output MD5 differs from the suite', (t) => {
  const v = decide(run({ wholeMd5: 'e'.repeat(32) }), ref());
  t.is(v.verdict, 'fail');
  t.is(v.firstMismatch, null);
  t.regex(v.reason, /whole-output MD5/);
});

test('error: no stats file = software fallback', (t) => {
  const v = decide(run({ stats: { ok: false, problem: 'no stats file' } }), ref());
  t.is(v.verdict, 'error');
  t.true(v.reason.startsWith(FALLBACK_REASON));
});

test('error: the driver decoded fewer frames than were output', (t) => {
  const v = decide(run({ stats: stats(2, 3) }), ref());
  t.is(v.verdict, 'error');
  t.true(v.reason.startsWith(FALLBACK_REASON));
});

test('error: fewer images read than frames output', (t) => {
  const v = decide(run({ stats: stats(3, 1) }), ref());
  t.is(v.verdict, 'error');
  t.true(v.reason.startsWith(FALLBACK_REASON));
});

test('error: decoded == 0 even with matching frames', (t) => {
  t.is(decide(run({ stats: stats(0, 0) }), ref()).verdict, 'error');
});

test('error: the driver reported decode errors', (t) => {
  const v = decide(run({ stats: stats(4, 3, 1) }), ref());
  t.is(v.verdict, 'error');
  t.regex(v.reason, /decode error/);
});

test('error: timeout, crash', (t) => {
  t.regex(decide(run({ timedOut: true, exitCode: undefined, signal: 'SIGTERM' }), ref()).reason, /timeout after 60 s/);
  const crash = decide(run({ exitCode: undefined, signal: 'SIGSEGV' }), ref());
  t.is(crash.verdict, 'error');
  t.regex(crash.reason, /SIGSEGV/);
});

test('error: ffmpeg failed for another reason', (t) => {
  const v = decide(run({ exitCode: 1, stderr: 'Something broke\nconsequence\n' }), ref());
  t.is(v.verdict, 'error');
  t.regex(v.reason, /Something broke/);
});

test('unsupported: the driver declined cleanly and decoded nothing', (t) => {
  const stderr = '[vp9 @ 0x1] No support for codec vp9 profile 2.\n[vp9 @ 0x1] Failed setup for format vaapi: hwaccel initialisation returned error.\n';
  t.true(driverDeclined(stderr));
  const v = decide(run({ exitCode: 1, stderr, stats: stats(0), frames: [] }), ref());
  t.is(v.verdict, 'unsupported');
});

test('declined but the driver decoded frames, or no stats file: error', (t) => {
  const stderr = 'No support for codec vp9 profile 2.';
  t.is(decide(run({ exitCode: 1, stderr, stats: stats(2) }), ref()).verdict, 'error');
  t.is(decide(run({ exitCode: 1, stderr, stats: { ok: false, problem: 'no stats file' } }), ref()).verdict, 'error');
});

test('expected unsupported but decoded: fail', (t) => {
  t.is(decide(run(), ref({ expectation: 'unsupported', frames: null })).verdict, 'fail');
});

test('no-crash vectors pass on any clean exit and error on a crash', (t) => {
  t.is(decide(run({ exitCode: 1, stats: { ok: false, problem: 'x' } }), ref({ expectation: 'no-crash', frames: null })).verdict, 'pass');
  t.is(decide(run({ exitCode: undefined, signal: 'SIGABRT' }), ref({ expectation: 'no-crash', frames: null })).verdict, 'error');
});

test('parseStats reads the counters and keeps extra fields', (t) => {
  const r = parseStats('{"decoded":5,"decode_errors":0,"images_read":4,"exports":1,"pool_waits":2}');
  t.true(r.ok);
  if (r.ok) {
    t.is(r.stats.decoded, 5);
    t.is(r.stats.images_read, 4);
    t.deepEqual(r.stats.extra, { pool_waits: 2 });
  }
  t.false(parseStats('not json').ok);
  t.false(parseStats('[]').ok);
  t.false(parseStats('{"decoded":1}').ok);
  t.false(parseStats('{"decoded":-1,"decode_errors":0,"images_read":0}').ok);
});
