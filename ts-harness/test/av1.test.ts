/**
 * AV1 through the ffmpeg client, without decoding: the suites' libdav1d options as the native
 * decoder's, the read path for streams whose frame size grows, the software reference decoder,
 * the fuzzer framing of the bad-input suite, and the verdicts of malformed input and of
 * sanitizer reports; plus the options that run the AV1 suites from meson (--only, --filter on
 * input_file, --preload, --device sim:<profile>+<options>).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ALL_LAYERS_LIMITATION, av1HwInputOptions, av1NeedsMapRead } from '../src/av1.js';
import { vectorFilter } from '../src/conform.js';
import { clientEnv, parseDevice, preloadLibrary } from '../src/driver.js';
import { UsageError } from '../src/errors.js';
import { hwDecodeArgs, hwLimitation } from '../src/ffmpeg.js';
import { fuzzerFramingToIvf, usesFuzzerFraming } from '../src/fuzzinput.js';
import type { FrameMd5 } from '../src/md5.js';
import { parseStats } from '../src/stats.js';
import type { TestVector } from '../src/suite.js';
import { decide, sanitizerReport } from '../src/verdict.js';
import { repoRoot } from '../src/paths.js';
import { runCli } from './helpers/cli.js';

const vector = (over: Partial<TestVector> = {}): TestVector => ({
  suite: 'AV1', codec: 'AV1', name: 'v', inputFile: 'av1/8-bit/svc/v.ivf', inputPath: '/v.ivf', outputFormat: 'yuv420p', result: undefined,
  frames: undefined, expected: 'decode', ffmpegInputOptions: [], ffmpegOutputOptions: [], frameMd5Path: undefined, ...over,
});

test('libdav1d options of the suites become the native decoder\'s: -oppoint N → -operating_point N, -alllayers 0 dropped', (t) => {
  t.deepEqual(av1HwInputOptions(['-alllayers', '0', '-oppoint', '2']), { ok: true, options: ['-operating_point', '2'] });
  t.deepEqual(av1HwInputOptions(['-export_side_data', 'film_grain']), { ok: true, options: ['-export_side_data', 'film_grain'] });
  t.deepEqual(av1HwInputOptions(['-alllayers', '1', '-oppoint', '0']), { ok: false, limitation: ALL_LAYERS_LIMITATION });
  const args = hwDecodeArgs(vector({ ffmpegInputOptions: ['-alllayers', '0', '-oppoint', '1'] }), '/dev/dri/renderD128', 'hw.framemd5');
  const before = args.slice(0, args.indexOf('-i'));
  t.deepEqual(before.slice(before.indexOf('-operating_point'), before.indexOf('-operating_point') + 4), ['-operating_point', '1', '-c:v', 'av1']);
  t.false(args.includes('-oppoint'));
  t.false(args.includes('-alllayers'));
  t.regex(hwLimitation(vector({ ffmpegInputOptions: ['-alllayers', '1'] })) ?? '', /client limitation/);
  t.is(hwLimitation(vector({ codec: 'VP9', ffmpegInputOptions: ['-alllayers', '1'] })), null, 'only AV1 options are translated');
});

const frame = (size: number): FrameMd5 => ({ stream: 0, pts: '0', size, md5: '0'.repeat(32) });

test('an AV1 stream whose frames grow past the first frame is read by mapping (vaDeriveImage), others by hwdownload', (t) => {
  const small = 352 * 288 * 3 / 2;
  const large = 1280 * 720 * 3 / 2;
  t.true(av1NeedsMapRead('AV1', [frame(small), frame(small), frame(large)]));
  t.false(av1NeedsMapRead('AV1', [frame(large), frame(small)]), 'a smaller frame fits the first frame\'s image');
  t.false(av1NeedsMapRead('VP9', [frame(small), frame(large)]), 'FFmpeg\'s VP9 decoder re-creates its frames context');
  t.false(av1NeedsMapRead('AV1', null));
  const args = hwDecodeArgs(vector(), '/dev/dri/renderD128', 'hw.framemd5', undefined, 'map');
  const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
  t.true(graph.startsWith('[0:v:0]hwmap=mode=read+direct,format=nv12,split='), graph);
  t.false(graph.includes('hwdownload'));
  const exp = hwDecodeArgs(vector(), '/dev/dri/renderD128', 'hw.framemd5', undefined, 'export-map');
  t.true((exp[exp.indexOf('-filter_complex') + 1] ?? '').startsWith('[0:v:0]hwmap=mode=read,format=drm_prime,hwmap=mode=read,format=nv12,'), 'export client: the DRM frame mapped, not downloaded');
  t.true(exp.includes('drm=dr:/dev/dri/renderD128'));
  const p010 = hwDecodeArgs(vector({ outputFormat: 'yuv420p10le' }), '/dev/dri/renderD128', 'hw.framemd5');
  t.true((p010[p010.indexOf('-filter_complex') + 1] ?? '').includes('hwdownload,format=p010le'), '10-bit is downloaded as P010');
});

test('bad-input vectors: the 32-byte fuzzer header becomes a valid IVF header, the frames follow unchanged', (t) => {
  const body = Buffer.from([12, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0, 0x0a]);
  const data = Buffer.concat([Buffer.alloc(32, 0xee), body]);
  const ivf = fuzzerFramingToIvf(data);
  t.is(ivf.subarray(0, 4).toString('latin1'), 'DKIF');
  t.is(ivf.readUInt16LE(6), 32);
  t.is(ivf.subarray(8, 12).toString('latin1'), 'AV01');
  t.deepEqual(ivf.subarray(32), body);
  t.is(fuzzerFramingToIvf(Buffer.alloc(5)).length, 32, 'shorter than the header: the header alone');
  t.true(usesFuzzerFraming({ codec: 'AV1', expected: 'no-crash' }));
  t.false(usesFuzzerFraming({ codec: 'AV1', expected: 'decode' }));
  // the suite file says so: every AV1-BAD-INPUT vector is no-crash
  const suite = JSON.parse(readFileSync(path.resolve(repoRoot, '..', 'shared', 'vectors', 'suites', 'AV1-BAD-INPUT.json'), 'utf8')) as { test_vectors: Array<{ expected: string }> };
  t.true(suite.test_vectors.every((v) => v.expected === 'no-crash'));
});

const noCrash = { expectation: 'no-crash' as const, frames: null, result: undefined };
const obs = (over: Partial<Parameters<typeof decide>[0]> = {}): Parameters<typeof decide>[0] => ({
  exitCode: 1, signal: undefined, timedOut: false, timeoutSeconds: 60, stderr: '[av1 @ 0x1] Failed to parse temporal unit.\n', stats: { ok: false, problem: 'no stats file' },
  frames: [], wholeMd5: null, ...over,
});

test('malformed input: a clean error or partial output passes; a crash, a hang or a sanitizer report does not', (t) => {
  const clean = decide(obs(), noCrash);
  t.is(clean.verdict, 'pass');
  t.regex(clean.reason, /clean error \(ffmpeg exited 1: \[av1 @ 0x1\] Failed to parse temporal unit/);
  const reached = decide(obs({ exitCode: 0, stats: parseStats('{"decoded":3,"decode_errors":1,"images_read":2}') }), noCrash);
  t.regex(reached.reason, /driver: 3 decoded, 1 decode errors/);
  t.is(decide(obs({ signal: 'SIGSEGV', exitCode: undefined }), noCrash).verdict, 'error');
  t.is(decide(obs({ timedOut: true }), noCrash).verdict, 'error');
  t.is(decide(obs({ exitCode: 134 }), noCrash).verdict, 'error');
  const asan = '==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n    #0 0x7f in foo\nSUMMARY: AddressSanitizer: heap-buffer-overflow x.c:3 in foo\n';
  const a = decide(obs({ stderr: asan }), noCrash);
  t.is(a.verdict, 'error', 'ASan exits 1 with halt_on_error: still an error');
  t.regex(a.reason, /^sanitizer report: ==12==ERROR: AddressSanitizer/);
  t.regex(sanitizerReport('backend/x.c:10:5: runtime error: shift exponent 40 is too large\n') ?? '', /runtime error/);
  t.is(sanitizerReport('[av1 @ 0x1] error\n'), null);
});

test('--filter matches the vector name or its input_file; --device takes several profile options', (t) => {
  const f = vectorFilter('av1/*/{film_grain,resize}/*');
  t.true(f({ name: 'x', inputFile: 'av1/10-bit/film_grain/a.ivf' }));
  t.false(f({ name: 'x', inputFile: 'av1/8-bit/data/a.ivf' }));
  t.true(vectorFilter('*sizeup')({ name: 'av1-1-b8-03-sizeup', inputFile: 'av1/8-bit/resize/av1-1-b8-03-sizeup.ivf' }));
  t.deepEqual(parseDevice('sim:generic+slice-based', undefined).env, { VAREQ_DEVICE: 'sim', VAREQ_SIM_PROFILE: 'generic+slice-based' });
  t.is(parseDevice('sim:rkvdec+reset-on-free+slice-based', undefined).env['VAREQ_SIM_PROFILE'], 'rkvdec+reset-on-free+slice-based');
  t.throws(() => parseDevice('sim:generic+fast', undefined), { instanceOf: UsageError, message: /unknown profile option "fast"/ });
});

test('--preload libraries come first in LD_PRELOAD, before the simdev preload and the inherited value', (t) => {
  const env = clientEnv({ buildDir: '/b', device: 'sim', extraEnv: {}, preload: ['/lib/libasan.so', '/lib/libubsan.so'] }, '/tmp/s.json', { LD_PRELOAD: '/x.so' });
  t.is(env['LD_PRELOAD'], `/lib/libasan.so:/lib/libubsan.so:${preloadLibrary('/b')}:/x.so`);
  t.is(clientEnv({ buildDir: '/b', device: 'sim', extraEnv: {} }, '/tmp/s.json', {})['LD_PRELOAD'], preloadLibrary('/b'));
});

test('--only runs the named suites of a set; a name the set lacks, or --only without --set, is a usage error', async (t) => {
  const set = path.join(repoRoot, 'conformance', 'sets', 'default.json');
  const missing = await runCli(['conform', '--set', set, '--only', 'vectors:NOPE', '--no-progress']);
  t.is(missing.exitCode, 2);
  t.regex(missing.stderr, /--only vectors:NOPE: the set .* has no suite vectors:NOPE/);
  const noSet = await runCli(['conform', '--suite', 'x.json', '--only', 'vectors:AV1', '--no-progress']);
  t.is(noSet.exitCode, 2);
  t.regex(noSet.stderr, /--only needs --set/);
});
