/**
 * conform --client ffmpeg-export: every frame is exported as DRM PRIME (vaExportSurfaceHandle),
 * mapped by ffmpeg's DRM hwcontext and read from the dma-buf, so the descriptor is what is verified.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { hwDecodeArgs } from '../src/ffmpeg.js';
import { buildDir, corporaBuildDir } from '../src/paths.js';
import type { ConformReport } from '../src/report/types.js';
import type { TestVector } from '../src/suite.js';
import { decide } from '../src/verdict.js';
import { runCli } from './helpers/cli.js';

const vector = (over: Partial<TestVector> = {}): TestVector => ({
  suite: 's', name: 'v', codec: 'VP9', inputPath: '/v.ivf', outputFormat: 'yuv420p', result: '', expected: 'decode',
  ffmpegInputOptions: [], ffmpegOutputOptions: [], ...over,
} as TestVector);

test('ffmpeg-export arguments: a DRM device on the render node, hwmap to drm_prime, then hwdownload', (t) => {
  const a = hwDecodeArgs(vector(), '/dev/dri/renderD128', 'hw.framemd5', undefined, 'export').join(' ');
  t.true(a.includes('-init_hw_device vaapi=va:/dev/dri/renderD128 -init_hw_device drm=dr:/dev/dri/renderD128 -filter_hw_device dr'));
  t.true(a.includes('-hwaccel vaapi -hwaccel_device va -hwaccel_output_format vaapi'));
  t.regex(a, /\[0:v:0\]hwmap=mode=read,format=drm_prime,hwdownload,format=nv12/);
  t.false(hwDecodeArgs(vector(), '/dev/dri/renderD128', 'hw.framemd5').join(' ').includes('hwmap'));
});

test('ffmpeg-export verdict: every output frame must have been exported, not read as an image', (t) => {
  const frames = [{ stream: 0, pts: '0', size: 6, md5: 'a' }, { stream: 0, pts: '1', size: 6, md5: 'b' }];
  const stats = (exports: number, images: number) => ({ ok: true as const, stats: { decoded: 2, decode_errors: 0, images_read: images, exports, extra: {} } });
  const run = { exitCode: 0, signal: undefined, timedOut: false, timeoutSeconds: 10, stderr: '', frames, wholeMd5: null, parseProblem: null, i420Frames: null, client: 'ffmpeg-export' };
  const ref = { expectation: 'decode' as const, frames, result: '', official: null };
  t.is(decide({ ...run, stats: stats(2, 0) }, ref).verdict, 'pass');
  const d = decide({ ...run, stats: stats(1, 2) }, ref);
  t.is(d.verdict, 'error');
  t.regex(d.reason, /exports 1/);
});

test('conform --client ffmpeg-export on a small VP9 stream', async (t) => {
  const suite = path.join(corporaBuildDir(), 'vp9', 'suite.json');
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir()), suite]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-export-')), 'r.json');
  const r = await runCli(['conform', '--suite', suite, '--filter', 'vp9-352x288-altref', '--client', 'ffmpeg-export', '--json', out, '--no-progress']);
  // ffmpeg opens its DRM device with drmGetVersion(): the preload's fake render node answers
  // DRM_IOCTL_VERSION ("vareq-fake"), so the whole export path runs here. Exit 3 (ffmpeg cannot
  // open a DRM device) is an environment error, and a failure of this test.
  t.not(r.exitCode, 3, `the DRM device did not open through the preload's render node:\n${r.stderr}`);
  t.is(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as ConformReport;
  const v = report.vectors.find((x) => x.name === 'vp9-352x288-altref');
  t.is(v?.verdict, 'pass', v?.reason);
  t.true((v?.stats?.exports ?? 0) >= (v?.frames ?? 1) && (v?.frames ?? 0) > 0, 'every frame went out as an exported descriptor');
});
