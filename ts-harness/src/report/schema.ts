/** JSON schema of the result file of `vareq conform --json` (documented in docs/harness.md). */
import { Ajv } from 'ajv';
import type { ConformReport } from './types.js';
import type { ResultMeta } from './json.js';

export const RESULT_SCHEMA_ID = 'vareq-conform/1';

export type ResultFile = { schema: typeof RESULT_SCHEMA_ID; tool: 'vareq conform'; created: string } & ResultMeta & ConformReport;

const verdict = { enum: ['pass', 'fail', 'unsupported', 'error'] } as const;
export const count = { type: 'integer', minimum: 0 } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const nullableString = { type: ['string', 'null'] } as const;
const summary = {
  type: 'object', additionalProperties: false,
  required: ['pass', 'fail', 'unsupported', 'error', 'total'],
  properties: { pass: count, fail: count, unsupported: count, error: count, total: count },
} as const;
/** The driver's counters (stats.ts DriverStats), or null; shared with the bench file's schema. */
export const stats = {
  type: ['object', 'null'],
  required: ['decoded', 'decode_errors', 'images_read', 'exports', 'extra'],
  properties: { decoded: count, decode_errors: count, images_read: count, exports: count, extra: { type: 'object' } },
} as const;

export const resultSchema = {
  $id: 'https://vareq.invalid/schema/conform-result-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'tool', 'created', 'device', 'build_dir', 'env', 'set', 'duration_ms', 'suites', 'vectors', 'summary', 'expectations'],
  properties: {
    schema: { const: RESULT_SCHEMA_ID },
    tool: { const: 'vareq conform' },
    created: { type: 'string', format: 'date-time' },
    device: { enum: ['sim', 'kernel'] },
    build_dir: { type: 'string' },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    set: {
      type: ['object', 'null'], additionalProperties: false, required: ['name', 'file'],
      properties: { name: { type: 'string' }, file: { type: 'string' } },
    },
    duration_ms: count,
    suites: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['name', 'arg', 'codec', 'file', 'enabled', 'note', 'duration_ms', 'summary'],
        properties: {
          name: { type: 'string' }, arg: { type: 'string' }, codec: nullableString, file: nullableString,
          enabled: { type: 'boolean' }, note: nullableString, duration_ms: count, summary,
        },
      },
    },
    vectors: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['suite', 'name', 'verdict', 'reason', 'frames', 'mismatches', 'first_mismatch', 'expected_frames', 'duration_ms', 'stats'],
        properties: {
          suite: { type: 'string' }, name: { type: 'string' }, verdict, reason: { type: 'string' },
          frames: count, mismatches: count, first_mismatch: { type: ['integer', 'null'], minimum: 0 },
          expected_frames: { type: ['integer', 'null'], minimum: 0 }, duration_ms: count, stats,
          official_frames: {
            type: ['object', 'null'], additionalProperties: false, required: ['checked', 'expected', 'mismatches', 'first_mismatch'],
            properties: { checked: count, expected: count, mismatches: count, first_mismatch: { type: ['integer', 'null'], minimum: 0 } },
          },
          expected: {
            type: ['object', 'null'], additionalProperties: false, required: ['verdict', 'reason'],
            properties: { verdict, reason: { type: 'string' } },
          },
          outcome: { enum: ['as-expected', 'unexpected', 'unexpected-pass'] },
          decode: {
            type: 'object', additionalProperties: false,
            required: ['input', 'codec', 'output_format', 'ffmpeg_input_options', 'ffmpeg_output_options'],
            properties: { input: { type: 'string' }, codec: { type: 'string' }, output_format: { type: 'string' }, ffmpeg_input_options: strings, ffmpeg_output_options: strings },
          },
          output: {
            type: 'object', additionalProperties: false, required: ['raw', 'framemd5'],
            properties: { raw: nullableString, framemd5: nullableString },
          },
          command: strings,
          stderr: { type: 'string' },
        },
      },
    },
    summary,
    expectations: {
      type: ['object', 'null'], additionalProperties: false,
      required: ['held', 'as_expected', 'known_non_pass', 'unexpected', 'unexpected_pass', 'stale'],
      properties: { held: { type: 'boolean' }, as_expected: count, known_non_pass: count, unexpected: strings, unexpected_pass: strings, stale: strings },
    },
  },
} as const;

const ajv = new Ajv({ strict: true, allErrors: false, validateFormats: false, allowUnionTypes: true });

/** A check of parsed JSON against `schema` (one of the harness's file schemas): null when
 * valid, else the first problem (one line); `what` names the file in the fallback message. */
export function schemaCheck(schema: object, what: string): (data: unknown) => string | null {
  const validate = ajv.compile(schema);
  return (data) => {
    if (validate(data)) return null;
    const e = validate.errors?.[0];
    return e ? `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}` : `invalid ${what}`;
  };
}

/** null when `data` is a valid result file, else the first problem (one line). */
export const validateResult = schemaCheck(resultSchema, 'result file');
