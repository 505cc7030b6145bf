/**
 * Conformance sets (conformance/sets/*.json): which suites a run covers, and for each suite the
 * vectors known not to pass, with the verdict they give and why. A non-pass that is not listed
 * (or gives another verdict) breaks the expectations; so does a listed vector that now passes
 * ("unexpected pass": update the list).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { UsageError, errorMessage } from './errors.js';
import type { ExpectationSummary, Outcome, VectorReport } from './report/types.js';
import type { Verdict } from './verdict.js';

export interface KnownNonPass {
  verdict: Exclude<Verdict, 'pass'>;
  reason: string;
}

export interface SetSuite {
  /** A suite argument: a path (relative to the set file), vectors:NAME or corpus:CODEC. */
  suite: string;
  /** false: a placeholder, listed in reports but not run. */
  enabled: boolean;
  note: string | null;
  expected: Record<string, KnownNonPass>;
}

export interface ConformanceSet {
  file: string;
  name: string;
  description: string;
  suites: SetSuite[];
}

interface SetJson {
  name: string;
  description?: string;
  suites: Array<{ suite: string; enabled?: boolean; note?: string; expected?: Record<string, KnownNonPass> }>;
}

export const setSchema = {
  type: 'object',
  required: ['name', 'suites'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    suites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['suite'],
        additionalProperties: false,
        properties: {
          suite: { type: 'string', minLength: 1 },
          enabled: { type: 'boolean' },
          note: { type: 'string' },
          expected: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['verdict', 'reason'],
              additionalProperties: false,
              properties: {
                verdict: { enum: ['fail', 'unsupported', 'error'] },
                reason: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ strict: true, allErrors: false }).compile<SetJson>(setSchema);

/** Suite arguments in a set: paths are relative to the set file's directory. */
function resolveArg(arg: string, dir: string): string {
  if (arg.startsWith('vectors:') || arg.startsWith('corpus:') || path.isAbsolute(arg)) return arg;
  return path.resolve(dir, arg);
}

export function parseSet(text: string, file: string): ConformanceSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`set ${file}: invalid JSON: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new UsageError(`set ${file}: ${e ? `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}` : 'invalid'}`);
  }
  const dir = path.dirname(path.resolve(file));
  const seen = new Set<string>();
  const suites = data.suites.map((s): SetSuite => {
    if (seen.has(s.suite)) throw new UsageError(`set ${file}: suite ${s.suite} listed twice`);
    seen.add(s.suite);
    return { suite: resolveArg(s.suite, dir), enabled: s.enabled ?? true, note: s.note ?? null, expected: s.expected ?? {} };
  });
  return { file: path.resolve(file), name: data.name, description: data.description ?? '', suites };
}

export function loadSet(file: string): ConformanceSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`set file not found: ${path.resolve(file)}`);
    throw new UsageError(`cannot read set file ${file}: ${errorMessage(err)}`);
  }
  return parseSet(text, file);
}

/**
 * Judges one vector against its suite's list of known non-passes. `required` is what the suite
 * itself asks for: 'unsupported' for vectors the driver must decline (AV1-UNSUPPORTED), else 'pass'.
 */
export function outcomeOf(verdict: Verdict, known: KnownNonPass | undefined, required: 'pass' | 'unsupported' = 'pass'): Outcome {
  if (!known) return verdict === required ? 'as-expected' : 'unexpected';
  if (verdict === 'pass') return 'unexpected-pass';
  return verdict === known.verdict ? 'as-expected' : 'unexpected';
}

/** Sums the outcomes of the vectors (each must carry `outcome`); `stale` lists entries naming no vector. */
export function summarizeExpectations(vectors: readonly VectorReport[], stale: readonly string[]): ExpectationSummary {
  const id = (v: VectorReport): string => `${v.suite}/${v.name}`;
  const unexpected = vectors.filter((v) => v.outcome === 'unexpected').map((v) => `${id(v)}: ${v.verdict}${v.expected ? ` (expected ${v.expected.verdict})` : ''}: ${v.reason}`);
  const unexpectedPass = vectors.filter((v) => v.outcome === 'unexpected-pass').map((v) => `${id(v)}: passes now (listed as ${v.expected?.verdict ?? '?'}: ${v.expected?.reason ?? ''}); remove it from the set's expected list`);
  return {
    held: unexpected.length === 0 && unexpectedPass.length === 0 && stale.length === 0,
    as_expected: vectors.filter((v) => v.outcome === 'as-expected').length,
    known_non_pass: vectors.filter((v) => v.outcome === 'as-expected' && v.expected).length,
    unexpected,
    unexpected_pass: unexpectedPass,
    stale: [...stale],
  };
}
