/** `vareq conform`: run suites' vectors through ffmpeg + the driver and judge them. */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { outcomeOf, summarizeExpectations, type KnownNonPass } from './confset.js';
import { checkDriverBuilt, clientEnv, type DriverSetup } from './driver.js';
import { EnvironmentError, UsageError, errorMessage } from './errors.js';
import { MAP_READ_REASON, av1NeedsMapRead } from './av1.js';
import { decodeHw, exportPathProblem, hwLimitation, probeDecline, referenceFrames, type HwPath } from './ffmpeg.js';
import { clientInput } from './fuzzinput.js';
import { decodeMpv, mpvVersion } from './mpv.js';
import type { FrameMd5 } from './md5.js';
import { readOfficialMd5, type OfficialFrame } from './officialmd5.js';
import { mapLimit } from './pool.js';
import { summarize, type ConformReport, type SuiteResult, type VectorReport } from './report/types.js';
import { readStats } from './stats.js';
import { loadSuite, type Suite, type TestVector } from './suite.js';
import { ffmpegVersion } from './tools.js';
import { decide, driverDeclined } from './verdict.js';

/** One suite of a run: a suite argument, and (from a conformance set) its known non-passes. */
export interface SuiteSpec {
  arg: string;
  enabled: boolean;
  note: string | null;
  /** Known non-passes; undefined when the run has no conformance set (plain --suite). */
  expected?: Record<string, KnownNonPass> | undefined;
}

export interface ConformOptions {
  suites: SuiteSpec[];
  filter?: string | undefined;
  timeoutSeconds: number;
  jobs: number;
  driver: DriverSetup;
  ffmpeg: string;
  /** The client that decodes through the driver (default ffmpeg; ffmpeg-export: DRM PRIME export path). */
  client?: ConformClient;
  mpv?: string;
  hwaccelDevice: string;
  cacheDir: string;
  /** Keep the ffmpeg command and stderr tail in the report for every vector (always kept for fail/error). */
  verbose?: boolean;
  /** Keep each vector's raw hardware output and per-frame MD5s in this directory. */
  keepOutputDir?: string | undefined;
  onStart?: (total: number) => void;
  onVector?: (r: VectorReport, done: number, total: number) => void;
}

export type ConformClient = 'ffmpeg' | 'ffmpeg-export' | 'mpv';
export const CONFORM_CLIENTS: readonly ConformClient[] = ['ffmpeg', 'ffmpeg-export', 'mpv'];

export const plainSuites = (args: readonly string[]): SuiteSpec[] => args.map((arg) => ({ arg, enabled: true, note: null }));

export function loadSuites(args: readonly string[], filter: string | undefined): { suites: Suite[]; vectors: TestVector[] } {
  if (args.length === 0) throw new UsageError('no suite given (--suite <file.json>)');
  const suites = args.map((a) => loadSuite(a));
  const isMatch = vectorFilter(filter);
  const vectors = suites.flatMap((s) => s.vectors.filter(isMatch));
  return { suites, vectors };
}

/** --filter: a glob on the vector's name or on its input_file as the suite gives it (e.g. av1/8-bit/resize/*). */
export function vectorFilter(glob: string | undefined): (v: Pick<TestVector, 'name' | 'inputFile'>) => boolean {
  if (!glob) return () => true;
  const isMatch = picomatch(glob);
  return (v) => isMatch(v.name) || isMatch(v.inputFile);
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');

async function runVector(v: TestVector, o: ConformOptions): Promise<VectorReport> {
  const started = Date.now();
  const decode = { input: v.inputPath, codec: v.codec, output_format: v.outputFormat, ffmpeg_input_options: v.ffmpegInputOptions, ffmpeg_output_options: v.ffmpegOutputOptions };
  const report = (partial: Pick<VectorReport, 'verdict' | 'reason'> & Partial<VectorReport>): VectorReport => ({
    suite: v.suite, name: v.name, frames: 0, mismatches: 0, first_mismatch: null,
    expected_frames: v.frames ?? null, duration_ms: Date.now() - started, stats: null, official_frames: null, decode, ...partial,
  });
  if (!existsSync(v.inputPath)) return report({ verdict: 'error', reason: `input file missing: ${v.inputPath}` });
  // Every client decodes AV1 with FFmpeg's native decoder (mpv: --vd=av1): same limitations.
  const limitation = hwLimitation(v);
  if (limitation) return report({ verdict: 'error', reason: limitation });

  const timeoutMs = o.timeoutSeconds * 1000;
  let refFrames: FrameMd5[] | null = null;
  let official: OfficialFrame[] | null = null;
  if (v.expected === 'decode') {
    try {
      refFrames = (await referenceFrames(v, { ffmpeg: o.ffmpeg, cacheDir: o.cacheDir, timeoutMs })).frames;
    } catch (err) {
      return report({ verdict: 'error', reason: `software reference decode failed: ${errorMessage(err).split('\n')[0] ?? ''}` });
    }
    if (v.frameMd5Path && (o.client ?? 'ffmpeg') !== 'mpv') {
      try {
        official = await readOfficialMd5(v.frameMd5Path);
      } catch (err) {
        return report({ verdict: 'error', reason: `official per-frame MD5s unreadable: ${errorMessage(err).split('\n')[0] ?? ''}` });
      }
    }
  }

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'vareq-conform-'));
  try {
    const statsFile = path.join(workDir, 'stats.json');
    const env = clientEnv(o.driver, statsFile);
    let keep: { raw: string | null; framemd5: string | null } | undefined;
    if (o.keepOutputDir) {
      const dir = path.resolve(o.keepOutputDir, safeName(v.suite));
      await mkdir(dir, { recursive: true });
      keep = { raw: v.outputFormat !== '' ? path.join(dir, `${safeName(v.name)}.${v.outputFormat}`) : null, framemd5: path.join(dir, `${safeName(v.name)}.framemd5`) };
    }
    const hwOpts = { ffmpeg: o.ffmpeg, env, hwaccelDevice: o.hwaccelDevice, timeoutMs, workDir, keepRawFile: keep?.raw ?? undefined };
    // The client's input: the vector's file, or an IVF copy of a fuzzer reproducer (fuzzinput.ts).
    const hv: TestVector = { ...v, inputPath: await clientInput(v, workDir) };
    const mapRead = av1NeedsMapRead(v.codec, refFrames);
    const readPath: HwPath = o.client === 'ffmpeg-export' ? (mapRead ? 'export-map' : 'export') : mapRead ? 'map' : 'copy-back';
    const hw = o.client === 'mpv' ? await decodeMpv(hv, { ...hwOpts, mpv: o.mpv ?? 'mpv' })
      : await decodeHw(hv, { ...hwOpts, path: readPath });
    if (keep?.framemd5) {
      await copyFile(path.join(workDir, 'hw.framemd5'), keep.framemd5).catch(() => {
        if (keep) keep.framemd5 = null;
      });
    }
    let stats = await readStats(statsFile);
    if (o.client !== 'mpv' && !stats.ok && hw.exitCode !== 0 && !hw.signal && !hw.timedOut && driverDeclined(hw.stderr)) {
      // ffmpeg left without vaTerminate: ask again in a run that ends normally (see probeDecline).
      const probe = await probeDecline(hv, hwOpts);
      if (driverDeclined(probe.stderr) && !probe.signal && !probe.timedOut) stats = await readStats(statsFile);
    }
    const d = decide(
      { exitCode: hw.exitCode, signal: hw.signal, timedOut: hw.timedOut, timeoutSeconds: o.timeoutSeconds, stderr: hw.stderr,
        stats, frames: hw.frames, wholeMd5: hw.wholeMd5, parseProblem: hw.parseProblem, i420Frames: hw.i420Frames, client: o.client ?? 'ffmpeg' },
      { expectation: v.expected, frames: refFrames, result: v.result, official },
    );
    const keepDetail = o.verbose || d.verdict === 'fail' || d.verdict === 'error';
    const mapped = mapRead && o.client !== 'mpv';
    return report({
      verdict: d.verdict, reason: mapped ? `${d.reason} (${MAP_READ_REASON})` : d.reason, frames: d.frames, mismatches: d.mismatches, first_mismatch: d.firstMismatch,
      stats: d.stats, official_frames: d.official, duration_ms: Date.now() - started,
      ...(keep ? { output: keep } : {}),
      ...(keepDetail ? { command: hw.command, stderr: hw.stderr } : {}),
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function notRun(spec: SuiteSpec): SuiteResult {
  return { name: spec.arg, arg: spec.arg, codec: null, file: null, enabled: false, note: spec.note, duration_ms: 0, summary: summarize([]) };
}

export async function conform(o: ConformOptions): Promise<ConformReport> {
  if (o.suites.length === 0) throw new UsageError('no suite given (--suite <file.json> or --set <file.json>)');
  const isMatch = vectorFilter(o.filter);
  // Load every enabled suite first: a missing file or vectors directory stops the run before it starts.
  const loaded = o.suites.map((spec) => ({ spec, suite: spec.enabled ? loadSuite(spec.arg, o.driver.buildDir) : null }));
  const names = new Set<string>();
  for (const { suite } of loaded) {
    if (!suite) continue;
    if (names.has(suite.name)) throw new UsageError(`suite name ${suite.name} given twice`);
    names.add(suite.name);
  }
  await ffmpegVersion(o.ffmpeg);
  if (o.client === 'mpv') await mpvVersion(o.mpv);
  checkDriverBuilt(o.driver);
  if (o.client === 'ffmpeg-export') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vareq-export-'));
    try {
      const problem = await exportPathProblem(o.ffmpeg, o.hwaccelDevice, clientEnv(o.driver, path.join(dir, 'stats.json')));
      if (problem) throw new EnvironmentError(`--client ffmpeg-export: ffmpeg cannot open a DRM device on ${o.hwaccelDevice}: ${problem}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const total = loaded.reduce((n, l) => n + (l.suite?.vectors.filter(isMatch).length ?? 0), 0);
  o.onStart?.(total);
  let done = 0;
  const suites: SuiteResult[] = [];
  const vectors: VectorReport[] = [];
  const stale: string[] = [];
  const withSet = o.suites.some((s) => s.expected !== undefined);
  for (const { spec, suite } of loaded) {
    if (!suite) {
      suites.push(notRun(spec));
      continue;
    }
    const expected = spec.expected ?? {};
    for (const name of Object.keys(expected)) {
      if (!suite.vectors.some((v) => v.name === name)) stale.push(`${suite.name}/${name}: listed as a known ${expected[name]?.verdict ?? '?'} but not in ${suite.path}`);
    }
    const started = Date.now();
    const results = await mapLimit(suite.vectors.filter(isMatch), o.jobs, async (v) => {
      let r: VectorReport;
      try {
        r = await runVector(v, o);
      } catch (err) {
        r = { suite: v.suite, name: v.name, verdict: 'error', reason: `harness: ${errorMessage(err)}`, frames: 0, mismatches: 0,
          first_mismatch: null, expected_frames: v.frames ?? null, duration_ms: 0, stats: null };
      }
      if (withSet) {
        const known = Object.hasOwn(expected, v.name) ? expected[v.name] : undefined;
        r.expected = known ? { verdict: known.verdict, reason: known.reason } : null;
        r.outcome = outcomeOf(r.verdict, known, v.expected === 'unsupported' ? 'unsupported' : 'pass');
      }
      done++;
      o.onVector?.(r, done, total);
      return r;
    });
    suites.push({ name: suite.name, arg: spec.arg, codec: suite.codec, file: suite.path, enabled: true, note: spec.note,
      duration_ms: Date.now() - started, summary: summarize(results) });
    vectors.push(...results);
  }
  return { suites, vectors, summary: summarize(vectors), expectations: withSet ? summarizeExpectations(vectors, stale) : null };
}
