import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { BenchRow } from '../src/bench.js';
import { parseTime } from '../src/bench.js';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir } from '../src/paths.js';
import { runCli } from './helpers/cli.js';

test('bench reads /usr/bin/time -f "%e %U %S %M" output', (t) => {
  t.deepEqual(parseTime('Command exited with non-zero status 1\n1.50 0.90 0.10 20480\n'), { wall_s: 1.5, user_s: 0.9, sys_s: 0.1, peak_rss_kib: 20480 });
  t.throws(() => parseTime('garbage'), { message: /time output/ });
});

test('bench: VP9, H.264 and AV1 1080p streams through the driver side by side with the software decoder (table + JSON)', async (t) => {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir())]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const json = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-bench-')), 'bench.json');
  const r = await runCli(['bench', '--frames', '10', '--json', json]);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stdout, /CPU ratio/);
  const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: BenchRow[] }).rows;
  t.deepEqual(rows.map((x) => x.codec), ['VP9', 'H264', 'AV1']);
  for (const row of rows) {
    t.true(row.hw.through_driver, `${row.stream}: decoded ${row.hw.decoded} frames through the driver`);
    t.true(row.sw.cpu_s >= 0 && row.hw.cpu_s > 0 && row.hw.peak_rss_kib > 0, row.stream);
    t.true(Number.isFinite(row.cpu_ratio), row.stream);
    t.true(r.stdout.includes(row.stream));
  }
});
