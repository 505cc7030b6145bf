/**
 * End to end: ffmpeg → VA-API → vareq driver → simdev (preload fake render node), on the
 * generated VP9 corpus (build/corpora/vp9, made by scripts/setup.sh).
 *
 * generic profile: every stream gives the verdict conformance/sets/default.json expects for it
 * (pass, or its listed known non-pass), through the same `conform --set` mechanism as npm start.
 * rkvdec and hantro profiles: every stream the device can decode (bit depth from the VA profiles,
 * coded sizes from VIDIOC_ENUM_FRAMESIZES, both as `vareq probe --json` reports them) must pass;
 * every other stream must be declined cleanly (`unsupported`: no frame decoded, no fail, no error,
 * no software fallback).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { vp9Capability, vp9Exclusion, type CodecCapability, type StreamShape } from '../src/capability.js';
import type { KnownNonPass } from '../src/confset.js';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir, corporaBuildDir, repoRoot, vectorsDir } from '../src/paths.js';
import type { ProbeResult } from '../src/probe.js';
import type { ConformReport } from '../src/report/types.js';
import { runCli, type CliRun } from './helpers/cli.js';

const suiteFile = path.join(corporaBuildDir(), 'vp9', 'suite.json');
const manifestFile = path.join(corporaBuildDir(), 'vp9', 'manifest.json');
const defaultSetFile = path.join(repoRoot, 'conformance', 'sets', 'default.json');
const MUST_PASS = ['vp9-352x288-altref', 'vp9-864x480', 'vp9-1920x1080-short'];
const FAULT_VECTOR = 'vp9-352x288-altref';

function prerequisites(files = [driverLibrary(buildDir()), preloadLibrary(buildDir()), suiteFile, manifestFile]): string | null {
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
  const run = await runCli(['conform', '--json', out, '--no-progress', '--timeout', '120', ...args]);
  const report = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ConformReport) : null;
  return { run, report };
}

/** A one-suite conformance set over the built corpus, written to a temporary file. */
function writeSet(name: string, expected: Record<string, KnownNonPass>, note: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vareq-e2e-set-')), `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, suites: [{ suite: suiteFile, note, expected }] }, null, 2));
  return file;
}

/** The corpus:vp9 entry's known non-passes in conformance/sets/default.json. */
function defaultSetExpectations(): Record<string, KnownNonPass> {
  const set = JSON.parse(readFileSync(defaultSetFile, 'utf8')) as { suites: Array<{ suite: string; expected?: Record<string, KnownNonPass> }> };
  const entry = set.suites.find((s) => s.suite === 'corpus:vp9');
  if (!entry) throw new Error(`${defaultSetFile} has no corpus:vp9 suite`);
  return entry.expected ?? {};
}

function manifestStreams(): StreamShape[] {
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { streams: StreamShape[] };
  return m.streams.map((s) => ({ name: s.name, profile: s.profile, sizes: s.sizes }));
}

async function probedVp9(t: ExecutionContext, profile: string): Promise<CodecCapability | null> {
  const r = await runCli(['probe', '--json', '--device', `sim:${profile}`]);
  t.is(r.exitCode, 0, r.stderr);
  if (r.exitCode !== 0) return null;
  const cap = vp9Capability(JSON.parse(r.stdout) as ProbeResult);
  t.true(cap.present, `${profile}: probe reports no VP9 decoder`);
  t.true(cap.frameSizes.length > 0, `${profile}: probe reports no VP9 frame sizes (VIDIOC_ENUM_FRAMESIZES)`);
  t.true(cap.vaProfiles.includes('VAProfileVP9Profile0'), `${profile}: VA profiles ${cap.vaProfiles.join(', ')}`);
  return cap;
}

let whole: Promise<Conformed> | undefined;
/** The corpus on the generic profile, judged by the default set's expectations. */
const wholeSuite = (): Promise<Conformed> => (whole ??= conform(['--set', writeSet('e2e-vp9-generic', defaultSetExpectations(), 'default set expectations'), '--device', 'sim:generic']));

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

test('conform --set on the generic profile: every corpus stream gives the verdict the default set expects (exit 0)', async (t) => {
  const missing = prerequisites();
  if (missing) return t.fail(missing);
  const { run, report } = await wholeSuite();
  t.truthy(report, run.stderr);
  const streams = manifestStreams();
  t.is(report?.vectors.length, streams.length, 'every stream of the corpus was run');
  const expected = defaultSetExpectations();
  for (const v of report?.vectors ?? []) {
    const known = expected[v.name];
    t.is(v.verdict, known?.verdict ?? 'pass', `${v.name}: ${v.reason}${known ? ` (listed: ${known.reason})` : ''}`);
    t.is(v.outcome, 'as-expected', `${v.name}: ${v.verdict}: ${v.reason}`);
    if (v.verdict === 'unsupported') t.is(v.stats?.decoded ?? 0, 0, `${v.name}: declined but the driver decoded frames`);
  }
  t.true(report?.expectations?.held, JSON.stringify(report?.expectations));
  t.deepEqual(report?.expectations?.stale, []);
  t.is(run.exitCode, 0, run.stdout);
  t.regex(run.stdout, /expectations held/);
  // the streams the generic device's limits exclude must be listed as declined in the set
  const cap = await probedVp9(t, 'generic');
  if (!cap) return;
  for (const s of streams) {
    const why = vp9Exclusion(cap, s);
    if (why) t.is(expected[s.name]?.verdict, 'unsupported', `${s.name} is outside the generic profile (${why}) but the default set does not list it as unsupported`);
  }
});

test('negative: simdev fault vp9-swap-ref-ts makes the altref stream fail (not pass, not error)', async (t) => {
  const missing = prerequisites();
  if (missing) return t.fail(missing);
  const { run, report } = await conform(['--suite', suiteFile, '--filter', FAULT_VECTOR, '--env', 'VAREQ_SIM_FAULTS=vp9-swap-ref-ts']);
  const v = report?.vectors.find((x) => x.name === FAULT_VECTOR);
  t.truthy(v, `exit ${run.exitCode}: ${run.stderr}`);
  t.is(v?.verdict, 'fail', `${v?.reason ?? ''}\n${v?.stderr ?? ''}`);
  t.true((v?.mismatches ?? 0) > 0);
  t.not(v?.first_mismatch, null);
  t.is(run.exitCode, 1);
});

for (const profile of ['rkvdec', 'hantro']) {
  test(`simdev ${profile} profile: every stream it can decode passes, the others are declined cleanly (limits from vareq probe)`, async (t) => {
    const missing = prerequisites();
    if (missing) return t.fail(missing);
    const cap = await probedVp9(t, profile);
    if (!cap) return;
    const streams = manifestStreams();
    const expected: Record<string, KnownNonPass> = {};
    for (const s of streams) {
      const why = vp9Exclusion(cap, s);
      if (why) expected[s.name] = { verdict: 'unsupported', reason: `${profile}: ${why}` };
    }
    const decodable = streams.filter((s) => !expected[s.name]).map((s) => s.name);
    // the limits must leave real work: at least the plain 8-bit streams are within every profile
    for (const name of MUST_PASS) t.true(decodable.includes(name), `${profile}: ${name} excluded: ${expected[name]?.reason ?? ''}`);
    t.log(`${profile}: ${decodable.length} streams must pass, ${Object.keys(expected).length} must be declined: ${Object.keys(expected).join(', ')}`);
    const { run, report } = await conform(['--set', writeSet(`e2e-vp9-${profile}`, expected, `${profile} limits from vareq probe`), '--device', `sim:${profile}`]);
    t.truthy(report, `exit ${run.exitCode}: ${run.stderr}`);
    t.is(report?.vectors.length, streams.length, 'every stream of the corpus was run');
    for (const v of report?.vectors ?? []) {
      const want = expected[v.name] ? 'unsupported' : 'pass';
      t.is(v.verdict, want, `${v.name}: ${v.verdict}: ${v.reason ?? ''}${expected[v.name] ? ` (${expected[v.name]?.reason ?? ''})` : ''}`);
      if (want === 'pass') t.true((v.stats?.decoded ?? 0) >= v.frames && v.frames > 0, `${v.name}: driver decoded ${v.stats?.decoded ?? 0} for ${v.frames} frames`);
      else t.is(v.stats?.decoded ?? 0, 0, `${v.name}: declined but the driver decoded frames`);
    }
    t.true(report?.expectations?.held, JSON.stringify(report?.expectations));
    t.is(run.exitCode, 0, run.stdout);
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
