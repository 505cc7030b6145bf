/**
 * Conformance suites in fluster's JSON schema, plus the extra fields of the official vector
 * suites (../shared/vectors/suites). Unknown fields are ignored.
 *
 * input_file: absolute, or relative to the suite file's directory; when it is not found there,
 * relative to the parent of that directory (the layout of the official vectors, where suites/
 * sits beside the streams, like fluster's resources directory).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { EnvironmentError, UsageError, errorMessage } from './errors.js';
import { corporaBuildDir, vectorsDir } from './paths.js';

export type Expectation = 'decode' | 'unsupported' | 'no-crash';

export interface TestVectorJson {
  name: string;
  input_file: string;
  output_format: string;
  result: string;
  frames?: number;
  width?: number;
  height?: number;
  expected?: string;
  ffmpeg_input_options?: string[];
  ffmpeg_output_options?: string[];
  frame_md5_file?: string;
  source_checksum?: string;
}

export interface SuiteJson {
  name: string;
  codec: string;
  description?: string;
  test_vectors: TestVectorJson[];
}

export interface TestVector {
  suite: string;
  codec: string;
  name: string;
  /** input_file as the suite gives it (--filter matches it too). */
  inputFile: string;
  /** Absolute path of the stream. */
  inputPath: string;
  outputFormat: string;
  /** Expected MD5 of the whole output ('' or undefined: none). */
  result: string | undefined;
  frames: number | undefined;
  expected: Expectation;
  ffmpegInputOptions: string[];
  ffmpegOutputOptions: string[];
  /** Official per-frame MD5s (VP8 `frame_md5_file`: one MD5 per shown frame, I420 at display size). */
  frameMd5Path: string | undefined;
}

export interface Suite {
  path: string;
  name: string;
  codec: string;
  description: string;
  vectors: TestVector[];
}

const stringArray = { type: 'array', items: { type: 'string' } } as const;

export const suiteSchema = {
  type: 'object',
  required: ['name', 'codec', 'test_vectors'],
  properties: {
    name: { type: 'string', minLength: 1 },
    codec: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    test_vectors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'input_file', 'output_format', 'result'],
        properties: {
          name: { type: 'string', minLength: 1 },
          input_file: { type: 'string', minLength: 1 },
          output_format: { type: 'string' },
          result: { type: 'string', pattern: '^([0-9a-fA-F]{32})?$' },
          frames: { type: 'integer', minimum: 0 },
          width: { type: 'integer', minimum: 0 },
          height: { type: 'integer', minimum: 0 },
          expected: { type: 'string' },
          ffmpeg_input_options: stringArray,
          ffmpeg_output_options: stringArray,
          frame_md5_file: { type: 'string' },
          source_checksum: { type: 'string' },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });
const validateSuiteJson = ajv.compile<SuiteJson>(suiteSchema);

function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  return `${where} ${e.message ?? 'is invalid'}`;
}

function expectation(raw: string | undefined): Expectation {
  if (raw === undefined || raw === '' || raw === 'pass' || raw === 'decode') return 'decode';
  if (raw === 'unsupported' || raw === 'no-crash') return raw;
  throw new Error(`unknown "expected" value "${raw}"`);
}

/**
 * Resolves a suite argument: a path, vectors:NAME for <VAREQ_VECTORS>/suites/NAME.json, or
 * corpus:CODEC for the generated corpus <build>/corpora/CODEC/suite.json (`build`: the run's
 * --build-dir; default VAREQ_BUILD_DIR or build/).
 */
export function resolveSuiteArg(arg: string, build?: string): string {
  if (arg.startsWith('corpus:')) {
    const file = path.join(build ? path.join(build, 'corpora') : corporaBuildDir(), arg.slice('corpus:'.length), 'suite.json');
    if (!existsSync(file)) throw new EnvironmentError(`generated corpus expected in ${file} (run scripts/setup.sh or vareq corpora build)`);
    return file;
  }
  if (arg.startsWith('vectors:')) {
    const dir = vectorsDir();
    if (!existsSync(dir)) {
      throw new EnvironmentError(`official vectors expected in ${dir} (set VAREQ_VECTORS to their directory)`);
    }
    const name = arg.slice('vectors:'.length);
    return path.join(dir, 'suites', name.endsWith('.json') ? name : `${name}.json`);
  }
  return path.resolve(arg);
}

export function resolveInput(suiteDir: string, inputFile: string): string {
  if (path.isAbsolute(inputFile)) return inputFile;
  const direct = path.resolve(suiteDir, inputFile);
  if (existsSync(direct)) return direct;
  const parent = path.resolve(suiteDir, '..', inputFile);
  if (existsSync(parent)) return parent;
  return direct;
}

/** Parses suite JSON text; errors name the file and are one line. */
export function parseSuite(text: string, suitePath: string): Suite {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`suite ${suitePath}: invalid JSON: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
  if (!validateSuiteJson(data)) {
    const first = validateSuiteJson.errors?.[0];
    throw new UsageError(`suite ${suitePath}: ${first ? describeAjvError(first) : 'does not match the suite schema'}`);
  }
  const dir = path.dirname(path.resolve(suitePath));
  const seen = new Set<string>();
  const vectors = data.test_vectors.map((tv, i): TestVector => {
    if (seen.has(tv.name)) throw new UsageError(`suite ${suitePath}: duplicate test vector name "${tv.name}"`);
    seen.add(tv.name);
    let expected: Expectation;
    try {
      expected = expectation(tv.expected);
    } catch (err) {
      throw new UsageError(`suite ${suitePath}: /test_vectors/${i}: ${errorMessage(err)}`);
    }
    return {
      suite: data.name,
      codec: data.codec,
      name: tv.name,
      inputFile: tv.input_file,
      inputPath: resolveInput(dir, tv.input_file),
      outputFormat: tv.output_format,
      result: tv.result === '' ? undefined : tv.result.toLowerCase(),
      frames: tv.frames,
      expected,
      ffmpegInputOptions: tv.ffmpeg_input_options ?? [],
      ffmpegOutputOptions: tv.ffmpeg_output_options ?? [],
      frameMd5Path: tv.frame_md5_file ? resolveInput(dir, tv.frame_md5_file) : undefined,
    };
  });
  return { path: path.resolve(suitePath), name: data.name, codec: data.codec, description: data.description ?? '', vectors };
}

export function loadSuite(arg: string, build?: string): Suite {
  const file = resolveSuiteArg(arg, build);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`suite file not found: ${file}`);
    throw new UsageError(`cannot read suite file ${file}: ${errorMessage(err)}`);
  }
  return parseSuite(text, file);
}
