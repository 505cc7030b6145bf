/**
 * JUnit XML of a conform run: one <testsuite> per suite, one <testcase> per vector (classname =
 * suite). fail → <failure>, error → <error>, unsupported → <skipped>. With a conformance set, a
 * known non-pass that behaves as listed is <skipped> ("known ..."), and an unexpected pass is a
 * <failure>, so CI follows the set's expectations.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConformReport, VectorReport } from './types.js';
import { xmlDocument, type XmlElement } from './xml.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function detail(v: VectorReport): string {
  const lines = [`verdict: ${v.verdict}`, `reason: ${v.reason}`, `frames: ${v.frames}`];
  if (v.first_mismatch !== null) lines.push(`first mismatching frame: ${v.first_mismatch} (${v.mismatches} mismatching)`);
  if (v.command) lines.push(`command: ${v.command.join(' ')}`);
  if (v.stderr) lines.push('stderr:', v.stderr);
  return lines.join('\n');
}

type CaseKind = 'passed' | 'failure' | 'error' | 'skipped';

function caseOf(v: VectorReport): { kind: CaseKind; child?: XmlElement } {
  if (v.outcome === 'unexpected-pass') {
    return { kind: 'failure', child: { name: 'failure', attrs: { type: 'unexpected-pass', message: `unexpected pass: listed as a known ${v.expected?.verdict ?? '?'} (${v.expected?.reason ?? ''}); update the conformance set` }, text: detail(v) } };
  }
  if (v.outcome === 'as-expected' && v.expected) {
    return { kind: 'skipped', child: { name: 'skipped', attrs: { message: `known ${v.verdict}: ${v.expected?.reason ?? v.reason}` } } };
  }
  switch (v.verdict) {
    case 'pass':
      return { kind: 'passed' };
    case 'unsupported':
      return { kind: 'skipped', child: { name: 'skipped', attrs: { message: `unsupported: ${v.reason}` } } };
    case 'fail':
      return { kind: 'failure', child: { name: 'failure', attrs: { type: 'fail', message: v.first_mismatch !== null ? `frame ${v.first_mismatch}: ${v.reason}` : v.reason }, text: detail(v) } };
    case 'error':
      return { kind: 'error', child: { name: 'error', attrs: { type: 'error', message: v.reason }, text: detail(v) } };
  }
}

export function toJunit(report: ConformReport, name = 'vareq conform'): string {
  const bySuite = new Map<string, VectorReport[]>();
  for (const v of report.vectors) bySuite.set(v.suite, [...(bySuite.get(v.suite) ?? []), v]);
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const suites: XmlElement[] = [];
  for (const [suite, vectors] of bySuite) {
    const counts = { failures: 0, errors: 0, skipped: 0 };
    const cases = vectors.map((v): XmlElement => {
      const c = caseOf(v);
      if (c.kind === 'failure') counts.failures++;
      else if (c.kind === 'error') counts.errors++;
      else if (c.kind === 'skipped') counts.skipped++;
      return { name: 'testcase', attrs: { classname: suite, name: v.name, time: seconds(v.duration_ms) }, children: c.child ? [c.child] : [] };
    });
    const ms = report.suites.find((s) => s.name === suite)?.duration_ms ?? vectors.reduce((n, v) => n + v.duration_ms, 0);
    suites.push({ name: 'testsuite', attrs: { name: suite, tests: vectors.length, ...counts, time: seconds(ms) }, children: cases });
    totals.tests += vectors.length;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    totals.ms += ms;
  }
  return xmlDocument({ name: 'testsuites', attrs: { name, tests: totals.tests, failures: totals.failures, errors: totals.errors, skipped: totals.skipped, time: seconds(totals.ms) }, children: suites });
}

export async function writeJunit(file: string, report: ConformReport): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, toJunit(report));
}
