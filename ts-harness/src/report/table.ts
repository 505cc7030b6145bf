/** Terminal table of a conform run. */
import Table from 'cli-table3';
import type { ConformReport, VectorReport } from './types.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function expectationCell(v: VectorReport): string {
  if (v.outcome === 'unexpected-pass') return 'UNEXPECTED PASS';
  if (v.outcome === 'unexpected') return v.expected ? `UNEXPECTED (listed: ${v.expected.verdict})` : 'UNEXPECTED';
  return v.expected ? 'known' : '';
}

/** Runs with more vectors than this list only the vectors that did not pass as expected, unless passRows is set. */
export const PASS_ROWS_UP_TO = 50;

export function renderTable(report: ConformReport, opts: { color?: boolean; showSuite?: boolean; passRows?: boolean } = {}): string {
  const color = opts.color ?? false;
  const passRows = opts.passRows ?? report.vectors.length <= PASS_ROWS_UP_TO;
  const paint = (verdict: string): string => {
    if (!color) return verdict;
    const code = verdict === 'pass' ? 32 : verdict === 'fail' ? 31 : verdict === 'error' ? 35 : 33;
    return `\u001b[${code}m${verdict}\u001b[0m`;
  };
  const withSet = report.expectations !== null;
  const head = [...(opts.showSuite ? ['suite'] : []), 'vector', 'frames', 'verdict', ...(withSet ? ['expectation'] : []), 'first mismatch / reason'];
  const table = new Table({ head, style: { head: color ? ['bold'] : [], border: [] }, wordWrap: true });
  let hidden = 0;
  for (const v of report.vectors) {
    if (!passRows && v.verdict === 'pass' && v.outcome !== 'unexpected-pass') {
      hidden += 1;
      continue;
    }
    const detail = v.first_mismatch !== null ? `frame ${v.first_mismatch}: ${v.reason}` : v.verdict === 'pass' ? '' : v.reason;
    table.push([...(opts.showSuite ? [v.suite] : []), v.name, String(v.frames), paint(v.verdict), ...(withSet ? [expectationCell(v)] : []),
      detail.length > 100 ? detail.slice(0, 97) + '...' : detail]);
  }
  const s = report.summary;
  const lines = table.length > 0 ? [table.toString()] : [];
  if (hidden > 0) lines.push(`${hidden} passing vectors not listed (--all-rows lists them; the JSON and HTML reports have every vector)`);
  if (report.suites.length > 1 || report.suites.some((x) => !x.enabled)) {
    const st = new Table({ head: ['suite', 'vectors', 'pass', 'fail', 'unsupported', 'error', 'time'], style: { head: color ? ['bold'] : [], border: [] } });
    for (const x of report.suites) {
      if (!x.enabled) st.push([x.name, { colSpan: 6, content: `not run${x.note ? `: ${x.note}` : ''}` }]);
      else st.push([x.name, String(x.summary.total), String(x.summary.pass), String(x.summary.fail), String(x.summary.unsupported), String(x.summary.error), seconds(x.duration_ms)]);
    }
    lines.push(st.toString());
  }
  lines.push(`${s.pass} passed, ${s.fail} failed, ${s.unsupported} unsupported, ${s.error} errors (${s.total} vectors)`);
  const e = report.expectations;
  if (e) {
    for (const u of e.unexpected) lines.push(`unexpected: ${u}`);
    for (const u of e.unexpected_pass) lines.push(`unexpected pass: ${u}`);
    for (const u of e.stale) lines.push(`stale expectation: ${u}`);
    lines.push(e.held
      ? `expectations held: ${e.known_non_pass} known non-passes, no unexpected results`
      : `expectations NOT held: ${e.unexpected.length} unexpected, ${e.unexpected_pass.length} unexpected passes, ${e.stale.length} stale entries`);
  }
  return lines.join('\n');
}
