/** The JSON result file of `vareq conform` (schema: schema.ts, documented in docs/harness.md). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, errorMessage } from '../errors.js';
import { RESULT_SCHEMA_ID, validateResult, type ResultFile } from './schema.js';
import type { ConformReport } from './types.js';

export interface ResultMeta {
  device: 'sim' | 'kernel';
  build_dir: string;
  /** --env variables given to the client (needed to decode a vector again, e.g. simdev faults). */
  env: Record<string, string>;
  set: { name: string; file: string } | null;
  duration_ms: number;
}

export function toResult(report: ConformReport, meta: ResultMeta, created = new Date()): ResultFile {
  return {
    schema: RESULT_SCHEMA_ID, tool: 'vareq conform', created: created.toISOString(), ...meta,
    suites: report.suites, vectors: report.vectors, summary: report.summary, expectations: report.expectations,
  };
}

export function toJson(result: ResultFile): string {
  return JSON.stringify(result, null, 2) + '\n';
}

export async function writeJsonReport(file: string, result: ResultFile): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, toJson(result));
}

/** Reads and validates a result file; a usage error (one line) when it is not one. */
export async function readResult(file: string): Promise<ResultFile> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `result file not found: ${path.resolve(file)}` : `result ${file}: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
  const problem = validateResult(data);
  if (problem !== null) throw new UsageError(`result ${file}: ${problem}`);
  return data as ResultFile;
}
