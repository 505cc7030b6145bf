/** JSON schema of `vareq bench --json` (documented in docs/harness.md); the CLI validates before writing. */
import { BENCH_CLIENTS, BENCH_CODECS, type BenchRow } from '../bench.js';
import { count, schemaCheck, stats } from './schema.js';

export const BENCH_SCHEMA_ID = 'vareq-bench/1';

export interface BenchFile {
  schema: typeof BENCH_SCHEMA_ID;
  tool: 'vareq bench';
  created: string;
  device: string;
  frames: number;
  short_frames: number;
  runs: number;
  rows: BenchRow[];
  skipped: string[];
}

const num = { type: 'number' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const nullableCount = { type: ['integer', 'null'], minimum: 0 } as const;
const measurement = {
  wall_s: num, user_s: num, sys_s: num, cpu_s: num, peak_rss_kib: count, peak_fds: nullableCount, steady_fds: nullableCount, exit_code: { type: 'integer' },
} as const;
const hwRun = {
  type: 'object', additionalProperties: false,
  required: [...Object.keys(measurement), 'decoded', 'stats', 'problem'],
  properties: { ...measurement, decoded: count, stats, problem: { type: ['string', 'null'] } },
} as const;

export const benchSchema = {
  $id: 'https://vareq.invalid/schema/bench-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'tool', 'created', 'device', 'frames', 'short_frames', 'runs', 'rows', 'skipped'],
  properties: {
    schema: { const: BENCH_SCHEMA_ID },
    tool: { const: 'vareq bench' },
    created: { type: 'string' },
    device: { type: 'string' },
    frames: count, short_frames: count, runs: count,
    skipped: { type: 'array', items: { type: 'string' } },
    rows: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['codec', 'stream', 'encoder', 'client', 'unavailable', 'frames_short', 'frames_long', 'hw', 'hw_short', 'sw', 'through_driver', 'cpu_ratio',
          'wall_ratio', 'ioctls_per_frame', 'ioctls_per_frame_total', 'polls_per_frame', 'bytes_copied_per_frame', 'driver_cpu_ms_per_frame', 'targets'],
        properties: {
          codec: { enum: [...BENCH_CODECS] },
          stream: { type: 'string' },
          encoder: { type: 'string' },
          client: { enum: [...BENCH_CLIENTS] },
          unavailable: { type: ['string', 'null'] },
          frames_short: count, frames_long: count,
          hw: hwRun, hw_short: hwRun,
          sw: {
            type: 'object', additionalProperties: false, required: [...Object.keys(measurement), 'decoder'],
            properties: { ...measurement, decoder: { type: 'string' } },
          },
          through_driver: { type: 'boolean' },
          // NaN (no software CPU time) is written as null by JSON.stringify
          cpu_ratio: nullableNum, wall_ratio: nullableNum,
          ioctls_per_frame: nullableNum, ioctls_per_frame_total: nullableNum, polls_per_frame: nullableNum,
          bytes_copied_per_frame: nullableNum, driver_cpu_ms_per_frame: nullableNum,
          targets: {
            type: 'object', additionalProperties: false, required: ['cpu_ratio', 'ioctls', 'zero_copy', 'flat_rss', 'flat_fds'],
            properties: {
              cpu_ratio: { type: 'boolean' }, ioctls: { type: 'boolean' }, zero_copy: { type: ['boolean', 'null'] },
              flat_rss: { type: 'boolean' }, flat_fds: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
} as const;

/** null when `data` (parsed JSON) is a valid bench file, else the first problem (one line). */
export const validateBench = schemaCheck(benchSchema, 'bench file');
