/** Terminal table of `vareq bench`. */
import Table from 'cli-table3';
import type { BenchRow } from '../bench.js';

const n = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

export function renderBench(rows: readonly BenchRow[], skipped: readonly string[]): string {
  const t = new Table({
    head: ['stream', 'frames', 'driver+simdev wall / CPU s', 'software wall / CPU s', 'CPU ratio', 'wall ratio', 'peak RSS MiB (hw / sw)', 'ioctls/frame', 'bytes copied/frame', 'driver CPU ms/frame', 'via driver'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    t.push([r.stream, String(r.frames), `${n(r.hw.wall_s)} / ${n(r.hw.cpu_s)}`, `${n(r.sw.wall_s)} / ${n(r.sw.cpu_s)}`, n(r.cpu_ratio), n(r.wall_ratio),
      `${n(r.hw.peak_rss_kib / 1024, 0)} / ${n(r.sw.peak_rss_kib / 1024, 0)}`, n(r.ioctls_per_frame, 1), n(r.bytes_copied_per_frame, 0), n(r.driver_cpu_ms_per_frame), r.hw.through_driver ? 'yes' : 'NO']);
  }
  const lines = [t.toString()];
  for (const s of skipped) lines.push(`skipped: ${s}`);
  if (rows.some((r) => r.ioctls_per_frame === null)) lines.push('n/a: the driver\'s stats file has no such counter (VAREQ_STATS_FILE keys: ioctls, bytes_copied, driver_cpu_ns)');
  return lines.join('\n');
}
