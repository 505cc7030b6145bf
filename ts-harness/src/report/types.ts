/** The result of a conform run (also the JSON result file, see schema.ts and docs/harness.md). */
import type { OfficialCheck } from '../officialmd5.js';
import type { DriverStats } from '../stats.js';
import type { Verdict } from '../verdict.js';

/** How a vector's verdict relates to the conformance set's expectations. */
export type Outcome = 'as-expected' | 'unexpected' | 'unexpected-pass';

/** What is needed to decode the vector again (report pictures). */
export interface DecodeSpec {
  input: string;
  codec: string;
  output_format: string;
  ffmpeg_input_options: string[];
  ffmpeg_output_options: string[];
}

export interface VectorReport {
  suite: string;
  name: string;
  verdict: Verdict;
  reason: string;
  frames: number;
  mismatches: number;
  /** 0-based output index of the first differing frame, or null. */
  first_mismatch: number | null;
  expected_frames: number | null;
  duration_ms: number;
  stats: DriverStats | null;
  /** Official per-frame MD5 check (VP8), null when the vector has none or it was not reached. */
  official_frames?: OfficialCheck | null;
  /** Expected non-pass from the conformance set, null when the vector must pass. */
  expected?: { verdict: Verdict; reason: string } | null;
  outcome?: Outcome;
  decode?: DecodeSpec;
  /** --keep-output: the raw hardware output (output_format) and its per-frame MD5s. */
  output?: { raw: string | null; framemd5: string | null };
  command?: string[];
  stderr?: string;
}

export interface Summary {
  pass: number;
  fail: number;
  unsupported: number;
  error: number;
  total: number;
}

export interface SuiteResult {
  /** The suite's name (from its file); for a suite not run, the argument. */
  name: string;
  /** The argument (path, vectors:NAME, corpus:CODEC). */
  arg: string;
  codec: string | null;
  file: string | null;
  enabled: boolean;
  note: string | null;
  duration_ms: number;
  summary: Summary;
}

export interface ExpectationSummary {
  held: boolean;
  as_expected: number;
  known_non_pass: number;
  unexpected: string[];
  unexpected_pass: string[];
  /** Listed vectors that are not in their suite. */
  stale: string[];
}

export interface ConformReport {
  suites: SuiteResult[];
  vectors: VectorReport[];
  summary: Summary;
  expectations: ExpectationSummary | null;
}

export function summarize(vectors: readonly VectorReport[]): Summary {
  const s: Summary = { pass: 0, fail: 0, unsupported: 0, error: 0, total: vectors.length };
  for (const v of vectors) s[v.verdict]++;
  return s;
}
