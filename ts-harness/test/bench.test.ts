import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { BenchRow } from '../src/bench.js';
import { clientArgs, fdSummary, flatRss, parseTime, perFrame, softwareArgs, softwareDecoder } from '../src/bench.js';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { validateBench } from '../src/report/benchschema.js';
import { buildDir } from '../src/paths.js';
import type { DriverStats } from '../src/stats.js';
import { runCli } from './helpers/cli.js';

test('bench reads /usr/bin/time -f "%e %U %S %M" output', (t) => {
  t.deepEqual(parseTime('Command exited with non-zero status 1\n1.50 0.90 0.10 20480\n'), { wall_s: 1.5, user_s: 0.9, sys_s: 0.1, peak_rss_kib: 20480 });
  t.throws(() => parseTime('garbage'), { message: /time output/ });
});

test('bench compares with the decoder simdev uses, single-threaded on both sides', (t) => {
  t.is(softwareDecoder('VP9').name, 'libvpx-vp9');
  t.is(softwareDecoder('AV1').name, 'libdav1d');
  t.is(softwareDecoder('H264').name, 'libavcodec h264');
  const sw = softwareArgs({ codec: 'VP9', file: 'x.webm' });
  t.deepEqual(sw.slice(sw.indexOf('-threads'), sw.indexOf('-threads') + 4), ['-threads', '1', '-c:v', 'libvpx-vp9']);
  for (const c of ['copy-back', 'gpu', 'export'] as const) {
    const a = clientArgs(c, { codec: 'AV1', file: 'x.ivf' }, '/dev/dri/renderD128', 200);
    t.true(a.includes('-threads') && a[a.indexOf('-threads') + 1] === '1', c);
    t.true(a.join(' ').includes('-c:v av1'), `${c}: the native av1 decoder (libdav1d has no hwaccel)`);
    t.deepEqual(a.slice(a.indexOf('-frames:v'), a.indexOf('-frames:v') + 2), ['-frames:v', '200']);
  }
  t.false(clientArgs('gpu', { codec: 'VP9', file: 'x' }, '/dev/dri/renderD128', null).join(' ').includes('hwdownload'));
  t.true(clientArgs('export', { codec: 'VP9', file: 'x' }, '/dev/dri/renderD128', null).join(' ').includes('hwmap'));
});

test('steady-state ioctls per frame come from the difference of the long and the short run', (t) => {
  const stats = (extra: Record<string, number>, decoded: number): DriverStats => ({ decoded, decode_errors: 0, images_read: 0, exports: 0, extra });
  const long = { decoded: 2000, stats: stats({ ioctls: 100 + 2000 * 9, polls: 2000, pixel_bytes_copied: 0, driver_cpu_ns: 2000 * 50_000 }, 2000) };
  const short = { decoded: 200, stats: stats({ ioctls: 100 + 200 * 9, polls: 200, pixel_bytes_copied: 0, driver_cpu_ns: 200 * 50_000 }, 200) };
  const d = perFrame(long, short);
  t.is(d.ioctls_per_frame, 9);
  t.is(d.ioctls_per_frame_total, (100 + 2000 * 9) / 2000);
  t.is(d.bytes_copied_per_frame, 0);
  t.is(d.driver_cpu_ms_per_frame, 0.05);
  t.is(perFrame(long, { decoded: 0, stats: null }).ioctls_per_frame, null);
  t.deepEqual(fdSummary([10, 30, 12, 12, 12, 13, 12]), { peak_fds: 30, steady_fds: 12 });
  t.deepEqual(fdSummary([]), { peak_fds: null, steady_fds: null });
  t.true(flatRss(100_000, 101_000));
  t.false(flatRss(100_000, 110_000));
});

test('bench: VP9, H.264 and AV1 1080p streams through the driver side by side with the software decoder (table + JSON)', async (t) => {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir())]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const json = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-bench-')), 'bench.json');
  const r = await runCli(['bench', '--frames', '12', '--short-frames', '4', '--json', json]);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, /CPU ratio/);
  const data = JSON.parse(readFileSync(json, 'utf8')) as { rows: BenchRow[] };
  t.is(validateBench(data), null, 'the JSON matches the documented schema');
  t.not(validateBench({ ...data, rows: [{ ...data.rows[0], client: 'vdpau' }] }), null);
  t.not(validateBench({ ...data, rows: [{ ...data.rows[0], targets: undefined }] }), null);
  const rows = data.rows;
  t.deepEqual([...new Set(rows.map((x) => x.codec))], ['VP9', 'H264', 'AV1']);
  t.deepEqual([...new Set(rows.map((x) => x.client))], ['copy-back', 'gpu', 'export']);
  for (const row of rows) {
    const what = `${row.stream} ${row.client}`;
    t.true(r.stdout.includes(row.stream), what);
    if (row.unavailable !== null) {
      // only the export client may be missing here, for an environment reason it names
      t.is(row.client, 'export', what);
      t.regex(row.unavailable, /DRM|version|init_hw_device|Device creation/, what);
      continue;
    }
    t.true(row.through_driver, `${what}: decoded ${row.hw.decoded} frames through the driver`);
    t.true(row.sw.cpu_s >= 0 && row.hw.cpu_s > 0 && row.hw.peak_rss_kib > 0 && row.hw_short.peak_rss_kib > 0, what);
    t.true(Number.isFinite(row.cpu_ratio), what);
    t.true(row.ioctls_per_frame !== null && row.ioctls_per_frame > 0, `${what}: ioctls per frame ${row.ioctls_per_frame}`);
    t.true(row.driver_cpu_ms_per_frame !== null && row.driver_cpu_ms_per_frame > 0, what);
    const copied = row.hw.stats?.extra['pixel_bytes_copied'];
    if (row.client === 'copy-back') {
      // vaGetImage copies each downloaded NV12 frame once: 1920x1080, or 1920x1088 where ffmpeg
      // allocates surfaces of the coded size (H.264 macroblocks)
      const images = row.hw.stats?.images_read ?? -1;
      t.true([1080, 1088].some((h) => copied === images * 1920 * h * 3 / 2), `${what}: ${String(copied)} bytes for ${images} images`);
      t.true((row.hw.stats?.images_read ?? 0) >= row.frames_long, what);
    } else {
      t.is(copied, 0, `${what}: no pixel copy on this path`);
      t.true(row.targets.zero_copy === true, what);
    }
    if (row.client === 'export') t.true((row.hw.stats?.exports ?? 0) >= row.frames_long, what);
  }
  t.true(rows.some((x) => x.client === 'copy-back' && x.unavailable === null));
});
