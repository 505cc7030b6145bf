/** Terminal table of `vareq bench`. */
import Table from 'cli-table3';
import type { BenchRow } from '../bench.js';

const n = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const mark = (ok: boolean | null, text: string): string => (ok === null ? text : ok ? text : `${text} !`);
const mib = (kib: number): string => (kib > 0 ? (kib / 1024).toFixed(0) : 'n/a');

export function renderBench(rows: readonly BenchRow[], skipped: readonly string[]): string {
  const t = new Table({
    head: ['stream', 'client', 'frames', 'CPU s hw / sw', 'CPU ratio', 'wall ratio', 'ioctls/frame', 'driver copies B/frame', 'driver CPU ms/frame',
      'peak RSS MiB short→long', 'fds short→long (peak)', 'via driver'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    if (r.unavailable) {
      t.push([r.stream, r.client, { colSpan: 10, content: `unavailable: ${r.unavailable}` }]);
      continue;
    }
    t.push([
      r.stream, r.client, `${r.frames_short} / ${r.frames_long}`,
      `${n(r.hw.cpu_s)} / ${n(r.sw.cpu_s)}`,
      mark(r.targets.cpu_ratio, n(r.cpu_ratio)),
      n(r.wall_ratio),
      mark(r.targets.ioctls, n(r.ioctls_per_frame, 1)),
      mark(r.targets.zero_copy, n(r.bytes_copied_per_frame, 0)),
      n(r.driver_cpu_ms_per_frame, 3),
      mark(r.targets.flat_rss, `${mib(r.hw_short.peak_rss_kib)}→${mib(r.hw.peak_rss_kib)}`),
      mark(r.targets.flat_fds, `${r.hw_short.steady_fds ?? 'n/a'}→${r.hw.steady_fds ?? 'n/a'} (${r.hw_short.peak_fds ?? 'n/a'}/${r.hw.peak_fds ?? 'n/a'})`),
      r.through_driver ? 'yes' : 'NO',
    ]);
  }
  const lines = [t.toString()];
  lines.push('"!" = target missed (CPU ratio ≤ 1.10, ≤ 12 ioctls/frame in steady state, 0 bytes copied by the driver for gpu/export, peak RSS and steady-state open fds flat from the short to the long run).');
  const sw = [...new Map(rows.map((r) => [r.codec, r.sw.decoder])).entries()].map(([c, d]) => `${c}: ${d}`).join(', ');
  if (sw) lines.push(`software side: ${sw}, -threads 1 on both sides (simdev's engines are single-threaded).`);
  for (const s of skipped) lines.push(`skipped: ${s}`);
  return lines.join('\n');
}
