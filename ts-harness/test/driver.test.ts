import test from 'ava';
import { clientEnv, deviceKind, driverLibrary, parseEnvPairs, preloadLibrary } from '../src/driver.js';
import { EnvironmentError, UsageError } from '../src/errors.js';
import { downloadFormat, hwDecodeArgs, hwDecoderOptions } from '../src/ffmpeg.js';
import type { TestVector } from '../src/suite.js';

test('simdev client environment: driver, preload fake render node, stats file; --env wins', (t) => {
  const env = clientEnv({ buildDir: '/b', device: 'sim', extraEnv: { VAREQ_SIM_FAULTS: 'vp9-swap-ref-ts', VAREQ_LOG: 'debug' } }, '/tmp/s.json',
    { PATH: '/usr/bin', LD_PRELOAD: '/other.so', VAREQ_STATS_FILE: '/stale.json' });
  t.is(env['LIBVA_DRIVERS_PATH'], '/b/backend');
  t.is(env['LIBVA_DRIVER_NAME'], 'v4l2_request');
  t.is(env['VAREQ_DEVICE'], 'sim');
  t.is(env['VAREQ_STATS_FILE'], '/tmp/s.json');
  t.is(env['LD_PRELOAD'], `${preloadLibrary('/b')}:/other.so`);
  t.is(env['VAREQ_SIM_FAULTS'], 'vp9-swap-ref-ts');
  t.is(env['PATH'], '/usr/bin');
  t.is(driverLibrary('/b'), '/b/backend/v4l2_request_drv_video.so');
});

test('kernel device: no preload', (t) => {
  const env = clientEnv({ buildDir: '/b', device: 'kernel', extraEnv: {} }, '/s', {});
  t.is(env['LD_PRELOAD'], undefined);
  t.is(env['VAREQ_DEVICE'], 'kernel');
});

test('device kinds', (t) => {
  t.is(deviceKind(undefined), 'sim');
  t.is(deviceKind('kernel'), 'kernel');
  t.throws(() => deviceKind('gpu'), { instanceOf: EnvironmentError });
});

test('--env pairs', (t) => {
  t.deepEqual(parseEnvPairs(['A=1', 'B=x=y', 'C=']), { A: '1', B: 'x=y', C: '' });
  t.throws(() => parseEnvPairs(['=1']), { instanceOf: UsageError });
  t.throws(() => parseEnvPairs(['A']), { instanceOf: UsageError });
});

const vector = (over: Partial<TestVector> = {}): TestVector => ({
  suite: 's', codec: 'VP9', name: 'v', inputFile: 'v.ivf', inputPath: '/v.ivf', outputFormat: 'yuv420p', result: undefined, frames: undefined,
  expected: 'decode', ffmpegInputOptions: [], ffmpegOutputOptions: [], frameMd5Path: undefined, ...over,
});

test('hardware decode arguments: VA surfaces downloaded as NV12, no scaling, per-frame MD5 + raw output', (t) => {
  const args = hwDecodeArgs(vector({ ffmpegInputOptions: ['-oppoint', '1'] }), '/dev/dri/renderD128', '/tmp/x.framemd5');
  const s = args.join(' ');
  t.true(s.includes('-hwaccel vaapi -hwaccel_device /dev/dri/renderD128 -hwaccel_output_format vaapi'));
  t.true(args.indexOf('-oppoint') < args.indexOf('-i'));
  t.regex(s, /hwdownload,format=nv12,split=2/);
  t.regex(s, /-autoscale 0 -fps_mode passthrough -f framemd5 \/tmp\/x\.framemd5/);
  t.regex(s, /-pix_fmt yuv420p -f rawvideo -$/);
});

test('no raw output when the suite gives no output format; AV1 uses the hwaccel-only decoder', (t) => {
  const args = hwDecodeArgs(vector({ outputFormat: '', codec: 'AV1' }), '/dev/dri/renderD128', '/x');
  t.false(args.includes('rawvideo'));
  t.true(args.join(' ').includes('-c:v av1 -hwaccel vaapi'));
  t.deepEqual(hwDecoderOptions('VP9'), []);
});

test('download format follows the bit depth', (t) => {
  t.is(downloadFormat('yuv420p'), 'nv12');
  t.is(downloadFormat('yuv420p10le'), 'p010le');
});
