/** `vareq conform`: run suites' vectors through ffmpeg + the driver and judge them. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { checkDriverBuilt, clientEnv, type DriverSetup } from './driver.js';
import { UsageError, errorMessage } from './errors.js';
import { decodeHw, probeDecline, referenceFrames } from './ffmpeg.js';
import type { FrameMd5 } from './md5.js';
import { mapLimit } from './pool.js';
import { summarize, type ConformReport, type VectorReport } from './report/types.js';
import { readStats } from './stats.js';
import { loadSuite, type Suite, type TestVector } from './suite.js';
import { ffmpegVersion } from './tools.js';
import { decide, driverDeclined } from './verdict.js';

export interface ConformOptions {
  suites: string[];
  filter?: string | undefined;
  timeoutSeconds: number;
  jobs: number;
  driver: DriverSetup;
  ffmpeg: string;
  hwaccelDevice: string;
  cacheDir: string;
  /** Keep the ffmpeg command and stderr tail in the report for every vector (always kept for fail/error). */
  verbose?: boolean;
  onStart?: (total: number) => void;
  onVector?: (r: VectorReport, done: number, total: number) => void;
}

export function loadSuites(args: readonly string[], filter: string | undefined): { suites: Suite[]; vectors: TestVector[] } {
  if (args.length === 0) throw new UsageError('no suite given (--suite <file.json>)');
  const suites = args.map((a) => loadSuite(a));
  const isMatch = filter ? picomatch(filter) : (): boolean => true;
  const vectors = suites.flatMap((s) => s.vectors.filter((v) => isMatch(v.name)));
  return { suites, vectors };
}

async function runVector(v: TestVector, o: ConformOptions): Promise<VectorReport> {
  const started = Date.now();
  const report = (partial: Pick<VectorReport, 'verdict' | 'reason'> & Partial<VectorReport>): VectorReport => ({
    suite: v.suite, name: v.name, frames: 0, mismatches: 0, first_mismatch: null,
    expected_frames: v.frames ?? null, duration_ms: Date.now() - started, stats: null, ...partial,
  });
  if (!existsSync(v.inputPath)) return report({ verdict: 'error', reason: `input file missing: ${v.inputPath}` });

  const timeoutMs = o.timeoutSeconds * 1000;
  let refFrames: FrameMd5[] | null = null;
  if (v.expected === 'decode') {
    try {
      refFrames = (await referenceFrames(v, { ffmpeg: o.ffmpeg, cacheDir: o.cacheDir, timeoutMs })).frames;
    } catch (err) {
      return report({ verdict: 'error', reason: `software reference decode failed: ${errorMessage(err).split('\n')[0] ?? ''}` });
    }
  }

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'vareq-conform-'));
  try {
    const statsFile = path.join(workDir, 'stats.json');
    const env = clientEnv(o.driver, statsFile);
    const hwOpts = { ffmpeg: o.ffmpeg, env, hwaccelDevice: o.hwaccelDevice, timeoutMs, workDir };
    const hw = await decodeHw(v, hwOpts);
    let stats = await readStats(statsFile);
    if (!stats.ok && hw.exitCode !== 0 && !hw.signal && !hw.timedOut && driverDeclined(hw.stderr)) {
      // ffmpeg left without vaTerminate: ask again in a run that ends normally (see probeDecline).
      const probe = await probeDecline(v, hwOpts);
      if (driverDeclined(probe.stderr) && !probe.signal && !probe.timedOut) stats = await readStats(statsFile);
    }
    const d = decide(
      { exitCode: hw.exitCode, signal: hw.signal, timedOut: hw.timedOut, timeoutSeconds: o.timeoutSeconds, stderr: hw.stderr,
        stats, frames: hw.frames, wholeMd5: hw.wholeMd5, parseProblem: hw.parseProblem },
      { expectation: v.expected, frames: refFrames, result: v.result },
    );
    const keepDetail = o.verbose || d.verdict === 'fail' || d.verdict === 'error';
    return report({
      verdict: d.verdict, reason: d.reason, frames: d.frames, mismatches: d.mismatches, first_mismatch: d.firstMismatch,
      stats: d.stats, duration_ms: Date.now() - started,
      ...(keepDetail ? { command: hw.command, stderr: hw.stderr } : {}),
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function conform(o: ConformOptions): Promise<ConformReport> {
  const { vectors } = loadSuites(o.suites, o.filter);
  await ffmpegVersion(o.ffmpeg);
  checkDriverBuilt(o.driver);
  o.onStart?.(vectors.length);
  let done = 0;
  const results = await mapLimit(vectors, o.jobs, async (v) => {
    let r: VectorReport;
    try {
      r = await runVector(v, o);
    } catch (err) {
      r = { suite: v.suite, name: v.name, verdict: 'error', reason: `harness: ${errorMessage(err)}`, frames: 0, mismatches: 0,
        first_mismatch: null, expected_frames: v.frames ?? null, duration_ms: 0, stats: null };
    }
    done++;
    o.onVector?.(r, done, vectors.length);
    return r;
  });
  return { vectors: results, summary: summarize(results) };
}
