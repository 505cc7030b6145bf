/** From one client run and the references to a verdict. Pure: no I/O. */
import { compareFrames, type FrameMd5 } from './md5.js';
import { checkOfficial, type OfficialCheck, type OfficialFrame } from './officialmd5.js';
import type { DriverStats, StatsRead } from './stats.js';
import type { Expectation } from './suite.js';

export type Verdict = 'pass' | 'fail' | 'unsupported' | 'error';
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'unsupported', 'error'];

export interface RunObservation {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  timeoutSeconds: number;
  stderr: string;
  stats: StatsRead;
  /** Per-frame MD5s of the hardware path, output order. */
  frames: readonly FrameMd5[];
  wholeMd5: string | null;
  parseProblem?: string | null;
  /** Per-frame MD5s of the hardware path as I420 (compared with the official per-frame MD5s). */
  i420Frames?: readonly FrameMd5[] | null;
  /** The client's name in reasons (default ffmpeg). */
  client?: string;
}

export interface Reference {
  expectation: Expectation;
  /** Per-frame MD5s from the software reference (same pixel format as `frames`). */
  frames: readonly FrameMd5[] | null;
  /** The suite's whole-output MD5, if it gives one. */
  result: string | undefined;
  /** Official per-frame MD5s (VP8 `.md5` files), independent of the software reference. */
  official?: readonly OfficialFrame[] | null;
}

export interface VectorVerdict {
  verdict: Verdict;
  reason: string;
  /** Output frames of the hardware path. */
  frames: number;
  mismatches: number;
  /** 0-based output index of the first frame that differs from the reference, or null. */
  firstMismatch: number | null;
  stats: DriverStats | null;
  /** Result of the official per-frame check, null when the vector has none. */
  official: OfficialCheck | null;
}

export const FALLBACK_REASON = 'software fallback / frames not from the driver';

/** ffmpeg messages that mean the VA driver declined the stream (profile/entrypoint/format). */
const DECLINE_PATTERNS: readonly RegExp[] = [
  /No support for codec \S+ profile/i,
  /hwaccel initialisation returned error/i,
  /hwaccel requested for input stream .* but cannot be initialized/i,
  /Failed to create decode configuration/i,
  /No VA display found for device/i,
  /doesn't supp+ort hardware accelerated/i,
];

/** The first line of an AddressSanitizer/UBSan/LeakSanitizer report in a client's stderr, or null. */
export function sanitizerReport(stderr: string): string | null {
  const line = stderr.split('\n').find((l) => /ERROR: (Address|Leak|Memory|Thread)Sanitizer|SUMMARY: \w+Sanitizer|: runtime error: /.test(l));
  return line ? line.trim() : null;
}

export function driverDeclined(stderr: string): boolean {
  return DECLINE_PATTERNS.some((re) => re.test(stderr));
}

/** The first message ffmpeg printed (usually the cause; later lines are consequences). */
function firstLine(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export function decide(run: RunObservation, ref: Reference): VectorVerdict {
  const stats = run.stats.ok ? run.stats.stats : null;
  const frames = run.frames.length;
  const base = { frames, mismatches: 0, firstMismatch: null, stats, official: null };
  const error = (reason: string): VectorVerdict => ({ ...base, verdict: 'error', reason });

  const client = run.client ?? 'ffmpeg';
  // A sanitizer report (a build with -Db_sanitize, runtimes loaded with --preload) is an error
  // whatever the exit status: with halt_on_error ASan exits 1, which would look like a clean error.
  const sanitizer = sanitizerReport(run.stderr);
  if (sanitizer) return error(`sanitizer report: ${sanitizer}`);
  if (run.timedOut) return error(`timeout after ${run.timeoutSeconds} s (hang)`);
  if (run.signal) return error(`${client} killed by ${run.signal} (crash)`);
  if (run.exitCode !== undefined && run.exitCode >= 128) return error(`${client} exited ${run.exitCode} (crash)`);

  if (ref.expectation === 'no-crash') {
    // Malformed input: errors and partial output are fine; a crash or a hang (above) is not.
    // Say plainly when the stream never reached the driver (the client rejected it first): such a
    // pass shows only that the client survived, not that the driver handled the input.
    const reached = stats !== null && stats.decoded + stats.decode_errors > 0;
    const driver = reached ? `; driver: ${stats.decoded} decoded, ${stats.decode_errors} decode errors`
      : `; rejected before the driver (no picture submitted)`;
    const reason = run.exitCode === 0 ? `no crash, no hang (${client} exited 0, ${frames} frames${driver})`
      : `no crash, no hang, clean error (${client} exited ${run.exitCode ?? '?'}: ${firstLine(run.stderr) || 'no message'}${driver})`;
    return { ...base, verdict: 'pass', reason };
  }

  if (run.exitCode !== 0) {
    if (driverDeclined(run.stderr) && stats !== null && stats.decoded === 0) {
      return { ...base, verdict: 'unsupported', reason: 'driver declined the stream' };
    }
    if (driverDeclined(run.stderr) && !run.stats.ok) return error(`driver declined the stream, but ${run.stats.problem}`);
    if (/resolution changes not supported/.test(run.stderr)) return error(`${client} cannot capture a resolution change losslessly (mpv encoding mode: "resolution changes not supported"): client limitation`);
    return error(`${client} exited ${run.exitCode ?? '?'}: ${firstLine(run.stderr) || 'no message'}`);
  }

  if (ref.expectation === 'unsupported') {
    return { ...base, verdict: 'fail', reason: 'expected the driver to decline this stream, but it decoded' };
  }
  if (run.parseProblem) return error(run.parseProblem);
  if (!run.stats.ok) return error(`${FALLBACK_REASON} (${run.stats.problem})`);
  const s = run.stats.stats;
  if (s.decode_errors > 0) return error(`driver reported ${s.decode_errors} decode error(s)`);
  if (frames === 0) return error('no output frames');
  // Every output frame must have left the driver: as an image (copy-back clients) or, on the
  // export path, as an exported DRM PRIME descriptor that the client read.
  const exportPath = client === 'ffmpeg-export';
  const handedOut = exportPath ? s.exports : s.images_read;
  if (s.decoded < 1 || s.decoded < frames || handedOut < frames) {
    return error(`${FALLBACK_REASON} (output ${frames} frames, driver decoded ${s.decoded}, ${exportPath ? 'exports' : 'images read'} ${handedOut})`);
  }
  if (!ref.frames) return error('no per-frame reference');

  const cmp = compareFrames(run.frames, ref.frames);
  if (cmp.mismatches > 0) {
    const count = cmp.countMismatch ? `; ${cmp.countMismatch.actual} frames, expected ${cmp.countMismatch.expected}` : '';
    return { ...base, verdict: 'fail', mismatches: cmp.mismatches, firstMismatch: cmp.firstMismatch, reason: `${cmp.firstMismatchReason ?? 'differs'}${count}` };
  }
  let official: OfficialCheck | null = null;
  if (ref.official) {
    if (!run.i420Frames) return error('no I420 per-frame MD5s to compare with the official per-frame MD5s');
    official = checkOfficial(run.i420Frames.map((f) => f.md5), ref.official);
    if (official.mismatches > 0) {
      return { ...base, official, verdict: 'fail', mismatches: official.mismatches, firstMismatch: official.first_mismatch,
        reason: `official per-frame MD5 differs (${official.mismatches} of ${official.expected} frames; ${run.i420Frames.length} output)` };
    }
  }
  if (ref.result !== undefined && run.wholeMd5 !== null && run.wholeMd5 !== ref.result) {
    return { ...base, official, verdict: 'fail', reason: `whole-output MD5 ${run.wholeMd5} differs from the suite's ${ref.result}` };
  }
  const checks = ['all frames', ...(official ? ['the official per-frame MD5s'] : []), ...(ref.result !== undefined && run.wholeMd5 !== null ? ['the whole-output MD5'] : [])];
  const reason = checks.length === 1 ? 'all frames match' : `${checks.slice(0, -1).join(', ')} and ${checks[checks.length - 1] ?? ''} match`;
  return { ...base, official, verdict: 'pass', reason };
}
