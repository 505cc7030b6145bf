/** JSON report: {"vectors":[...], "summary":{...}}. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConformReport } from './types.js';

export function toJson(report: ConformReport, meta: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...meta, vectors: report.vectors, summary: report.summary }, null, 2) + '\n';
}

export async function writeJsonReport(file: string, report: ConformReport, meta: Record<string, unknown> = {}): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, toJson(report, meta));
}
