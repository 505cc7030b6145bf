/**
 * End to end: ffmpeg → VA-API → vareq driver → simdev (preload fake render node), on the
 * generated VP9 corpus (build/corpora/vp9, made by scripts/setup.sh).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir, corporaBuildDir, vectorsDir } from '../src/paths.js';
import type { ConformReport } from '../src/report/types.js';
import { runCli, type CliRun } from './helpers/cli.js';

const suiteFile = path.join(corporaBuildDir(), 'vp9', 'suite.json');
const MUST_PASS = ['vp9-352x288-altref', 'vp9-864x480', 'vp9-1920x1080-short'];
const FAULT_VECTOR = 'vp9-352x288-altref';

function prerequisites(files = [driverLibrary(buildDir()), preloadLibrary(buildDir()), suiteFile]): string | null {
  for (const f of files) {
    if (!existsSync(f)) return `${f} is missing: run scripts/setup.sh (meson build + corpora) first`;
  }
  return null;
}

interface Conformed {
  run: CliRun;
  report: ConformReport | null;
}

async function conform(args: string[]): Promise<Conformed> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-e2e-')), 'report.json');
  const run = await runCli(['conform', '--suite', suiteFile, '--json', out, '--no-progress', '--timeout', '120', ...args]);
  const report = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ConformReport) : null;
  return { run, report };
}

let whole: Promise<Conformed> | undefined;
const wholeSuite = (): Promise<Conformed> => (whole ??= conform([]));

test.serial('the corpus regenerates to the same bytes (and matches corpora/manifest.json)', async (t) => {
  const missing = prerequisites([suiteFile]);
  if (missing) return t.fail(missing);
  const r = await runCli(['corpora', 'build', '--check']);
  t.is(r.exitCode, 0, r.stderr);
  t.regex(r.stderr, /identical bytes/);
});

test('conform: altref, 864x480 and 1080p streams pass with every frame matching', async (t) => {
  const missing = prerequisites();
  if (missing) return t.fail(missing);
  const { run, report } = await wholeSuite();
  t.truthy(report, `no JSON report; exit ${run.exitCode}: ${run.stderr}`);
  const suite = JSON.parse(readFileSync(suiteFile, 'utf8')) as { test_vectors: Array<{ name: string; frames: number }> };
  for (const name of MUST_PASS) {
    const v = report?.vectors.find((x) => x.name === name);
    t.truthy(v, `${name} not in the report`);
    if (!v) continue;
    t.is(v.verdict, 'pass', `${name}: ${v.reason}\n${v.stderr ?? ''}`);
    t.is(v.mismatches, 0, name);
    t.is(v.first_mismatch, null, name);
    t.is<number | undefined, number | undefined>(v.frames, suite.test_vectors.find((x) => x.name === name)?.frames, `${name}: output frames`);
    t.true((v.stats?.decoded ?? 0) >= v.frames, `${name}: driver decoded ${v.stats?.decoded ?? 0} frames`);
  }
});

test('conform: the whole generated VP9 suite passes (exit 0)', async (t) => {
  const missing = prerequisites();
  if (missing) return t.fail(missing);
  const { run, report } = await wholeSuite();
  t.truthy(report, run.stderr);
  const bad = (report?.vectors ?? []).filter((v) => v.verdict !== 'pass').map((v) => `${v.name}: ${v.verdict}: ${v.reason}`);
  t.deepEqual(bad, []);
  t.is(run.exitCode, 0, run.stdout);
  t.regex(run.stdout, /passed, 0 failed, 0 unsupported, 0 errors/);
});

test('negative: simdev fault vp9-swap-ref-ts makes the altref stream fail (not pass, not error)', async (t) => {
  const missing = prerequisites();
  if (missing) return t.fail(missing);
  const { run, report } = await conform(['--filter', FAULT_VECTOR, '--env', 'VAREQ_SIM_FAULTS=vp9-swap-ref-ts']);
  const v = report?.vectors.find((x) => x.name === FAULT_VECTOR);
  t.truthy(v, `exit ${run.exitCode}: ${run.stderr}`);
  t.is(v?.verdict, 'fail', `${v?.reason ?? ''}\n${v?.stderr ?? ''}`);
  t.true((v?.mismatches ?? 0) > 0);
  t.not(v?.first_mismatch, null);
  t.is(run.exitCode, 1);
});

for (const profile of ['rkvdec', 'hantro']) {
  test(`the generated VP9 suite passes on the simdev ${profile} profile (its alignment and default-format rules)`, async (t) => {
    const missing = prerequisites();
    if (missing) return t.fail(missing);
    const { run, report } = await conform(['--env', `VAREQ_SIM_PROFILE=${profile}`]);
    t.truthy(report, `exit ${run.exitCode}: ${run.stderr}`);
    t.true((report?.vectors.length ?? 0) >= MUST_PASS.length);
    for (const v of report?.vectors ?? []) t.is(v.verdict, 'pass', `${v.name}: ${v.reason ?? ''}`);
    t.is(run.exitCode, 0);
  });
}

test('official 12-bit AV1 streams come out unsupported (driver declines cleanly), exit 0', async (t) => {
  const missing = prerequisites([driverLibrary(buildDir()), preloadLibrary(buildDir())]);
  if (missing) return t.fail(missing);
  const dir = vectorsDir();
  if (!existsSync(path.join(dir, 'suites', 'AV1-UNSUPPORTED.json'))) {
    return t.fail(`official conformance vectors expected in ${dir} (suites/AV1-UNSUPPORTED.json); set VAREQ_VECTORS`);
  }
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-e2e-')), 'report.json');
  const run = await runCli(['conform', '--suite', 'vectors:AV1-UNSUPPORTED', '--json', out, '--no-progress']);
  const report = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ConformReport) : null;
  t.truthy(report, run.stderr);
  t.true((report?.vectors.length ?? 0) > 0);
  for (const v of report?.vectors ?? []) t.is(v.verdict, 'unsupported', `${v.name}: ${v.reason}`);
  t.is(run.exitCode, 0);
});
