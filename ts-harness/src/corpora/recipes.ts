/** The committed corpus recipes (corpora/<codec>/recipes.json): schema and loading. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { UsageError, errorMessage } from '../errors.js';
import { FEATURES } from './ivf.js';

export interface Segment {
  /** ffmpeg lavfi source, e.g. testsrc2=size=352x288:rate=30 */
  lavfi: string;
  frames: number;
  vpxenc: string[];
}

export interface StreamExpectations {
  min_hidden_frames?: number;
  hidden_frames?: number;
  keyframes?: number;
  /** Features the generated stream must use (ivf.ts FEATURES; checked by parsing every header). */
  features?: string[];
}

/** Rewrites applied to the encoded stream before it is written. */
export interface StreamTransform {
  /**
   * Every keyframe after the first becomes a hidden intra-only frame with this
   * reset_frame_context (refresh_frame_flags 0xff) followed by a show_existing_frame of slot 0.
   */
  intra_only?: { reset_frame_context: number };
}

export interface StreamRecipe {
  name: string;
  description: string;
  /** VP9 profile: 0 (8-bit, default) or 2 (10-bit: yuv420p10le source, P010 output). */
  profile?: number;
  transform?: StreamTransform;
  segments: Segment[];
  expect?: StreamExpectations;
}

export interface RecipeFile {
  codec: string;
  suite: { name: string; description: string };
  output_format: string;
  defaults: { rate: number; vpxenc: string[] };
  streams: StreamRecipe[];
}

const strings = { type: 'array', items: { type: 'string' } } as const;

const recipeSchema = {
  type: 'object',
  required: ['codec', 'suite', 'output_format', 'defaults', 'streams'],
  properties: {
    $comment: { type: 'string' },
    codec: { type: 'string' },
    suite: {
      type: 'object',
      required: ['name', 'description'],
      properties: { name: { type: 'string' }, description: { type: 'string' } },
    },
    output_format: { type: 'string' },
    defaults: {
      type: 'object',
      required: ['rate', 'vpxenc'],
      properties: { rate: { type: 'integer', minimum: 1 }, vpxenc: strings },
    },
    streams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'description', 'segments'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
          description: { type: 'string' },
          profile: { type: 'integer', enum: [0, 2] },
          transform: {
            type: 'object',
            additionalProperties: false,
            properties: {
              intra_only: {
                type: 'object',
                required: ['reset_frame_context'],
                additionalProperties: false,
                properties: { reset_frame_context: { type: 'integer', minimum: 0, maximum: 3 } },
              },
            },
          },
          segments: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['lavfi', 'frames', 'vpxenc'],
              properties: { lavfi: { type: 'string' }, frames: { type: 'integer', minimum: 1 }, vpxenc: strings },
            },
          },
          expect: {
            type: 'object',
            properties: {
              min_hidden_frames: { type: 'integer' },
              hidden_frames: { type: 'integer' },
              keyframes: { type: 'integer' },
              features: { type: 'array', items: { type: 'string', enum: [...FEATURES] } },
            },
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ strict: true }).compile<RecipeFile>(recipeSchema);

export function parseRecipes(text: string, file: string): RecipeFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`recipes ${file}: invalid JSON: ${errorMessage(err)}`);
  }
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new UsageError(`recipes ${file}: ${e ? `${e.instancePath || '(top level)'} ${e.message ?? ''}` : 'invalid'}`);
  }
  const names = new Set<string>();
  for (const s of data.streams) {
    if (names.has(s.name)) throw new UsageError(`recipes ${file}: duplicate stream ${s.name}`);
    names.add(s.name);
  }
  return data;
}

export function loadRecipes(file: string): { recipes: RecipeFile; text: string } {
  const text = readFileSync(file, 'utf8');
  return { recipes: parseRecipes(text, file), text };
}
