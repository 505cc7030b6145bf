/** The driver's counters, written as JSON to VAREQ_STATS_FILE at vaTerminate. */
import { readFile } from 'node:fs/promises';

export interface DriverStats {
  decoded: number;
  decode_errors: number;
  images_read: number;
  exports: number;
  /** Other counters the driver writes; kept for the JSON report. */
  extra: Record<string, unknown>;
}

export type StatsRead = { ok: true; stats: DriverStats } | { ok: false; problem: string };

const REQUIRED = ['decoded', 'decode_errors', 'images_read'] as const;

export function parseStats(text: string): StatsRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'stats file is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problem: 'stats file is not a JSON object' };
  const obj = data as Record<string, unknown>;
  const num = (k: string): number | undefined => {
    const v = obj[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  };
  for (const k of REQUIRED) {
    if (num(k) === undefined) return { ok: false, problem: `stats file lacks a counter "${k}"` };
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!['decoded', 'decode_errors', 'images_read', 'exports'].includes(k)) extra[k] = v;
  }
  return {
    ok: true,
    stats: { decoded: num('decoded') ?? 0, decode_errors: num('decode_errors') ?? 0, images_read: num('images_read') ?? 0, exports: num('exports') ?? 0, extra },
  };
}

export async function readStats(file: string): Promise<StatsRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { ok: false, problem: 'no stats file: the driver was not loaded or did not reach vaTerminate' };
  }
  return parseStats(text);
}
