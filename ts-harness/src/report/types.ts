import type { DriverStats } from '../stats.js';
import type { Verdict } from '../verdict.js';

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

export interface ConformReport {
  vectors: VectorReport[];
  summary: Summary;
}

export function summarize(vectors: readonly VectorReport[]): Summary {
  const s: Summary = { pass: 0, fail: 0, unsupported: 0, error: 0, total: vectors.length };
  for (const v of vectors) s[v.verdict]++;
  return s;
}
