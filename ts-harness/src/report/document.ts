/**
 * `vareq report`: from result files, a Markdown report (PNG files beside it) and a self-contained
 * HTML report (PNG embedded as base64): per-suite pass rates, per-vector verdicts, and for each
 * failure the first mismatching frame, the reference frame and their difference.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../pool.js';
import { firstMismatchFrames, type ExtractOptions } from './frames.js';
import { diffFrames, frameToPng, type FrameDiff } from './pictures.js';
import type { ResultFile } from './schema.js';
import type { SuiteResult, VectorReport } from './types.js';
import { escapeAttr, escapeText } from './xml.js';

export interface FailurePictures {
  suite: string;
  name: string;
  index: number;
  reason: string;
  actualSource: string;
  /** File names relative to the output directory. */
  files: { actual: string | null; reference: string | null; diff: string | null };
  png: { actual: Buffer | null; reference: Buffer | null; diff: Buffer | null };
  diff: Omit<FrameDiff, 'png'> | null;
  problems: string[];
}

export interface ReportOutput {
  markdown: string;
  html: string;
  pictures: FailurePictures[];
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');
const pct = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);

async function picturesFor(result: ResultFile, v: VectorReport, o: ExtractOptions): Promise<FailurePictures | null> {
  const pair = await firstMismatchFrames(result, v, o);
  if (!pair) return null;
  const base = `${safe(v.suite)}--${safe(v.name)}--frame${pair.index}`;
  const problems = [...pair.problems];
  const actual = pair.actual ? frameToPng(pair.actual) : null;
  const reference = pair.reference ? frameToPng(pair.reference) : null;
  let diff: FrameDiff | null = null;
  if (pair.actual && pair.reference) {
    try {
      diff = diffFrames(pair.actual, pair.reference);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  const { png: diffPng = null, ...diffStats } = diff ?? {};
  return {
    suite: v.suite, name: v.name, index: pair.index, reason: v.reason, actualSource: pair.actualSource,
    files: { actual: actual ? `img/${base}-actual.png` : null, reference: reference ? `img/${base}-reference.png` : null, diff: diffPng ? `img/${base}-diff.png` : null },
    png: { actual, reference, diff: diffPng },
    diff: diff ? (diffStats as Omit<FrameDiff, 'png'>) : null,
    problems,
  };
}

interface Row {
  run: number;
  suite: SuiteResult;
}

function suiteRows(results: readonly ResultFile[]): Row[] {
  return results.flatMap((r, run) => r.suites.map((suite) => ({ run, suite })));
}

function expectationText(v: VectorReport): string {
  if (v.outcome === 'unexpected-pass') return 'unexpected pass';
  if (v.outcome === 'unexpected') return 'UNEXPECTED';
  if (v.expected) return `known ${v.expected.verdict}: ${v.expected.reason}`;
  return '';
}

const diffLine = (p: FailurePictures): string => p.diff
  ? `${p.diff.differingPixels} of ${p.diff.totalPixels} pixels differ (${pct(p.diff.differingPixels, p.diff.totalPixels)}), largest difference ${p.diff.maxDifference}, PSNR-Y ${Number.isFinite(p.diff.psnrY) ? p.diff.psnrY.toFixed(2) + ' dB' : '∞'}`
  : 'no difference picture';

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(results: readonly ResultFile[], pictures: readonly FailurePictures[], sources: readonly string[]): string {
  const out: string[] = ['# vareq conformance report', ''];
  results.forEach((r, i) => out.push(`- \`${sources[i] ?? ''}\`: ${r.created}, device ${r.device}${r.set ? `, set ${r.set.name}` : ''}${Object.keys(r.env).length ? `, env ${Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}${r.expectations ? `, expectations ${r.expectations.held ? 'held' : 'NOT held'}` : ''}`));
  out.push('', '## Suites', '', '| suite | vectors | pass | fail | unsupported | error | pass rate | time |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { suite: s } of suiteRows(results)) {
    if (!s.enabled) out.push(`| ${mdCell(s.name)} | not run${s.note ? `: ${mdCell(s.note)}` : ''} | | | | | | |`);
    else out.push(`| ${mdCell(s.name)} | ${s.summary.total} | ${s.summary.pass} | ${s.summary.fail} | ${s.summary.unsupported} | ${s.summary.error} | ${pct(s.summary.pass, s.summary.total)} | ${(s.duration_ms / 1000).toFixed(1)} s |`);
  }
  out.push('', '## Vectors', '', '| suite | vector | frames | verdict | first mismatch | reason | expectation |', '| --- | --- | ---: | --- | ---: | --- | --- |');
  for (const r of results) {
    for (const v of r.vectors) out.push(`| ${mdCell(v.suite)} | ${mdCell(v.name)} | ${v.frames} | ${v.verdict} | ${v.first_mismatch ?? ''} | ${mdCell(v.reason)} | ${mdCell(expectationText(v))} |`);
  }
  out.push('', '## Failures', '');
  if (pictures.length === 0) out.push('No failing vector with a mismatching frame.');
  for (const p of pictures) {
    out.push(`### ${p.suite} / ${p.name}: frame ${p.index}`, '', `${p.reason}. Hardware frame: ${p.actualSource}. ${diffLine(p)}.`, '');
    out.push('| hardware path (driver) | reference (software) | difference |', '| --- | --- | --- |');
    const img = (f: string | null, alt: string): string => (f ? `![${alt}](${f})` : 'not available');
    out.push(`| ${img(p.files.actual, 'hardware')} | ${img(p.files.reference, 'reference')} | ${img(p.files.diff, 'difference')} |`, '');
    for (const pr of p.problems) out.push(`- ${pr}`);
    if (p.problems.length) out.push('');
  }
  return out.join('\n') + '\n';
}

function html(results: readonly ResultFile[], pictures: readonly FailurePictures[], sources: readonly string[]): string {
  const e = escapeText;
  const a = escapeAttr;
  const verdictClass = (v: string): string => `v-${v}`;
  const parts: string[] = [];
  parts.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8"><title>vareq conformance report</title>', '<style>',
    'body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}',
    'th{background:#f3f3f3}.num{text-align:right}.v-pass{color:#1a7f37}.v-fail{color:#cf222e;font-weight:bold}.v-error{color:#8250df;font-weight:bold}.v-unsupported{color:#9a6700}',
    '.unexpected{background:#ffebe9}figure{display:inline-block;margin:0 1em 1em 0}figure img{max-width:480px;image-rendering:pixelated;border:1px solid #999}figcaption{font-size:.9em}',
    '</style></head><body>', '<h1>vareq conformance report</h1><ul>');
  results.forEach((r, i) => parts.push(`<li><code>${e(sources[i] ?? '')}</code>: ${e(r.created)}, device ${e(r.device)}${r.set ? `, set ${e(r.set.name)}` : ''}${Object.keys(r.env).length ? `, env <code>${e(Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(' '))}</code>` : ''}${r.expectations ? `, expectations <b>${r.expectations.held ? 'held' : 'NOT held'}</b>` : ''}</li>`));
  parts.push('</ul><h2>Suites</h2><table><tr><th>suite</th><th>vectors</th><th>pass</th><th>fail</th><th>unsupported</th><th>error</th><th>pass rate</th><th>time</th></tr>');
  for (const { suite: s } of suiteRows(results)) {
    if (!s.enabled) parts.push(`<tr><td>${e(s.name)}</td><td colspan="7">not run${s.note ? `: ${e(s.note)}` : ''}</td></tr>`);
    else parts.push(`<tr><td>${e(s.name)}</td>${[s.summary.total, s.summary.pass, s.summary.fail, s.summary.unsupported, s.summary.error].map((n) => `<td class="num">${n}</td>`).join('')}<td class="num">${pct(s.summary.pass, s.summary.total)}</td><td class="num">${(s.duration_ms / 1000).toFixed(1)} s</td></tr>`);
  }
  parts.push('</table><h2>Failures</h2>');
  if (pictures.length === 0) parts.push('<p>No failing vector with a mismatching frame.</p>');
  for (const p of pictures) {
    parts.push(`<h3 id="${a(`f-${p.suite}-${p.name}`)}">${e(p.suite)} / ${e(p.name)}: frame ${p.index}</h3><p>${e(p.reason)}. Hardware frame: ${e(p.actualSource)}. ${e(diffLine(p))}.</p>`);
    const fig = (png: Buffer | null, cap: string, cls: string): string => png
      ? `<figure class="${cls}"><img alt="${a(cap)}" src="data:image/png;base64,${png.toString('base64')}"><figcaption>${e(cap)}</figcaption></figure>`
      : `<figure class="${cls}"><figcaption>${e(cap)}: not available</figcaption></figure>`;
    parts.push('<div>', fig(p.png.actual, 'hardware path (driver)', 'pic-actual'), fig(p.png.reference, 'reference (software)', 'pic-reference'), fig(p.png.diff, 'difference (red: differs)', 'pic-diff'), '</div>');
    if (p.problems.length) parts.push(`<ul>${p.problems.map((x) => `<li>${e(x)}</li>`).join('')}</ul>`);
  }
  parts.push('<h2>Vectors</h2><table><tr><th>suite</th><th>vector</th><th>frames</th><th>verdict</th><th>first mismatch</th><th>reason</th><th>expectation</th></tr>');
  for (const r of results) {
    for (const v of r.vectors) {
      const unexpected = v.outcome === 'unexpected' || v.outcome === 'unexpected-pass';
      parts.push(`<tr${unexpected ? ' class="unexpected"' : ''}><td>${e(v.suite)}</td><td>${e(v.name)}</td><td class="num">${v.frames}</td><td class="${verdictClass(v.verdict)}">${e(v.verdict)}</td><td class="num">${v.first_mismatch ?? ''}</td><td>${e(v.reason)}</td><td>${e(expectationText(v))}</td></tr>`);
    }
  }
  parts.push('</table></body></html>');
  return parts.join('\n') + '\n';
}

export async function buildReport(results: readonly ResultFile[], sources: readonly string[], o: ExtractOptions & { jobs: number; maxPictures: number }): Promise<ReportOutput> {
  const failing = results.flatMap((r) => r.vectors.filter((v) => v.verdict === 'fail' && v.first_mismatch !== null).map((v) => ({ r, v })));
  const pics = await mapLimit(failing.slice(0, o.maxPictures), o.jobs, ({ r, v }) => picturesFor(r, v, o));
  const pictures = pics.filter((p): p is FailurePictures => p !== null);
  return { markdown: markdown(results, pictures, sources), html: html(results, pictures, sources), pictures };
}

export async function writeReport(out: ReportOutput, dir: string): Promise<{ markdown: string; html: string }> {
  await mkdir(path.join(dir, 'img'), { recursive: true });
  for (const p of out.pictures) {
    for (const k of ['actual', 'reference', 'diff'] as const) {
      const file = p.files[k];
      const png = p.png[k];
      if (file && png) await writeFile(path.join(dir, file), png);
    }
  }
  const md = path.join(dir, 'report.md');
  const htmlFile = path.join(dir, 'report.html');
  await writeFile(md, out.markdown);
  await writeFile(htmlFile, out.html);
  return { markdown: md, html: htmlFile };
}
