/** `vareq conform --client mpv`: mpv --hwdec=vaapi-copy through the driver, captured losslessly (framemd5 via encoding mode). */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { decoderOptions, mpvArgs } from '../src/mpv.js';
import { buildDir, corporaBuildDir } from '../src/paths.js';
import type { ResultFile } from '../src/report/schema.js';
import type { TestVector } from '../src/suite.js';
import { runCli } from './helpers/cli.js';

const vector = (over: Partial<TestVector> = {}): TestVector => ({
  suite: 's', codec: 'VP9', name: 'v', inputFile: 'v.ivf', inputPath: '/v.ivf', outputFormat: 'yuv420p', result: undefined, frames: undefined,
  expected: 'decode', ffmpegInputOptions: [], ffmpegOutputOptions: [], frameMd5Path: undefined, ...over,
});

test('mpv arguments: vaapi-copy on the render node, the surface format kept, raw frames into framemd5', (t) => {
  const a = mpvArgs(vector(), '/dev/dri/renderD128', '/tmp/o.framemd5');
  for (const x of ['--no-config', '--hwdec=vaapi-copy', '--vaapi-device=/dev/dri/renderD128', '--vf=format=fmt=nv12', '--ovc=rawvideo', '--of=framemd5', '--o=/tmp/o.framemd5']) t.true(a.includes(x), x);
  t.is(a[a.length - 1], '/v.ivf');
  t.true(mpvArgs(vector({ outputFormat: 'yuv420p10le', codec: 'AV1' }), '/d', '/o').includes('--vf=format=fmt=p010'));
  t.true(mpvArgs(vector({ codec: 'AV1' }), '/d', '/o').includes('--vd=av1'));
  t.deepEqual(decoderOptions(['-oppoint', '1', '-alllayers', '0']), ['--vd-lavc-o=oppoint=1,alllayers=0']);
});

test('conform --client mpv: generated VP9 streams pass frame-exact, the fault fails, a size change is a named client limitation', async (t) => {
  const suite = path.join(corporaBuildDir(), 'vp9', 'suite.json');
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir()), suite]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-mpv-'));
  const run = async (args: string[]): Promise<ResultFile> => {
    const json = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    const r = await runCli(['conform', '--client', 'mpv', '--suite', 'corpus:vp9', '--json', json, '--no-progress', ...args]);
    t.true(existsSync(json), r.stderr);
    return JSON.parse(readFileSync(json, 'utf8')) as ResultFile;
  };
  const ok = await run(['--filter', '{vp9-352x288-altref,vp9-864x480,vp9-1920x1080-short}']);
  t.is(ok.vectors.length, 3);
  for (const v of ok.vectors) {
    t.is(v.verdict, 'pass', `${v.name}: ${v.reason}`);
    t.true((v.stats?.decoded ?? 0) >= v.frames && v.frames > 0, v.name);
  }
  const fault = await run(['--filter', 'vp9-352x288-altref', '--env', 'VAREQ_SIM_FAULTS=vp9-swap-ref-ts']);
  t.is(fault.vectors[0]?.verdict, 'fail');
  const resize = await run(['--filter', 'vp9-size-change']);
  t.is(resize.vectors[0]?.verdict, 'error');
  t.regex(resize.vectors[0]?.reason ?? '', /resolution change.*client limitation/);
});
