/** Terminal table of a conform run. */
import Table from 'cli-table3';
import type { ConformReport } from './types.js';

export function renderTable(report: ConformReport, opts: { color?: boolean; showSuite?: boolean } = {}): string {
  const color = opts.color ?? false;
  const paint = (verdict: string): string => {
    if (!color) return verdict;
    const code = verdict === 'pass' ? 32 : verdict === 'fail' ? 31 : verdict === 'error' ? 35 : 33;
    return `\u001b[${code}m${verdict}\u001b[0m`;
  };
  const head = [...(opts.showSuite ? ['suite'] : []), 'vector', 'frames', 'verdict', 'first mismatch / reason'];
  const table = new Table({ head, style: { head: color ? ['bold'] : [], border: [] }, wordWrap: true });
  for (const v of report.vectors) {
    const detail = v.first_mismatch !== null ? `frame ${v.first_mismatch}: ${v.reason}` : v.verdict === 'pass' ? '' : v.reason;
    table.push([...(opts.showSuite ? [v.suite] : []), v.name, String(v.frames), paint(v.verdict), detail.length > 100 ? detail.slice(0, 97) + '...' : detail]);
  }
  const s = report.summary;
  return `${table.toString()}\n${s.pass} passed, ${s.fail} failed, ${s.unsupported} unsupported, ${s.error} errors (${s.total} vectors)`;
}
