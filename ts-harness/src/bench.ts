/**
 * `vareq bench`: per generated 1080p stream (VP9, H.264, AV1), the decode through the driver on
 * simdev (ffmpeg -hwaccel vaapi, frames downloaded) against the same software decoder alone, in
 * one run: wall and CPU time (user+sys of the ffmpeg process, which holds the driver and simdev),
 * peak RSS (via /usr/bin/time), and the driver's own counters from VAREQ_STATS_FILE.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { clientEnv, type DriverSetup } from './driver.js';
import { EnvironmentError } from './errors.js';
import { hwDecoderOptions } from './ffmpeg.js';
import { readStats, type DriverStats } from './stats.js';

export interface BenchStream {
  codec: 'VP9' | 'H264' | 'AV1';
  file: string;
  encoder: string;
  frames: number;
}

export interface Measurement {
  wall_s: number;
  user_s: number;
  sys_s: number;
  cpu_s: number;
  peak_rss_kib: number;
  exit_code: number;
}

export interface BenchRow {
  codec: string;
  stream: string;
  encoder: string;
  frames: number;
  hw: Measurement & { decoded: number; through_driver: boolean };
  sw: Measurement & { decoder: string };
  /** hw CPU time / sw CPU time (target ≤ 1.10). */
  cpu_ratio: number;
  wall_ratio: number;
  /** Driver counters per decoded frame, null where the driver does not count them. */
  ioctls_per_frame: number | null;
  bytes_copied_per_frame: number | null;
  driver_cpu_ms_per_frame: number | null;
  stats: DriverStats | null;
}

interface EncoderChoice {
  codec: BenchStream['codec'];
  ext: string;
  candidates: Array<{ encoder: string; args: string[] }>;
}

const ENCODERS: EncoderChoice[] = [
  { codec: 'VP9', ext: 'webm', candidates: [{ encoder: 'libvpx-vp9', args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '4M', '-row-mt', '1'] }] },
  { codec: 'H264', ext: 'mkv', candidates: [{ encoder: 'libx264', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-b:v', '6M'] }] },
  { codec: 'AV1', ext: 'ivf', candidates: [
    { encoder: 'libsvtav1', args: ['-c:v', 'libsvtav1', '-preset', '12', '-b:v', '3M'] },
    { encoder: 'libaom-av1', args: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-row-mt', '1', '-usage', 'realtime', '-b:v', '3M'] },
  ] },
];

/** The software decoder of the comparison (the one simdev's engine uses for the codec). */
export function softwareDecoder(codec: string): string[] {
  return codec === 'AV1' ? ['-c:v', 'libdav1d'] : [];
}

async function encoders(ffmpeg: string): Promise<Set<string>> {
  const r = await execa(ffmpeg, ['-hide_banner', '-encoders'], { reject: false });
  return new Set([...r.stdout.matchAll(/^\s*V\S*\s+(\S+)/gm)].map((m) => m[1] ?? ''));
}

/** Generates (once, cached in dir) a short 1080p stream per codec; codecs without an encoder are skipped. */
export async function ensureStreams(dir: string, frames: number, ffmpeg: string, log: (s: string) => void): Promise<{ streams: BenchStream[]; skipped: string[] }> {
  await mkdir(dir, { recursive: true });
  const have = await encoders(ffmpeg);
  const streams: BenchStream[] = [];
  const skipped: string[] = [];
  for (const choice of ENCODERS) {
    const pick = choice.candidates.find((c) => have.has(c.encoder));
    if (!pick) {
      skipped.push(`${choice.codec}: no encoder (${choice.candidates.map((c) => c.encoder).join(' or ')}) in ${ffmpeg}`);
      continue;
    }
    const file = path.join(dir, `${choice.codec.toLowerCase()}-1080p-${frames}f-${pick.encoder}.${choice.ext}`);
    if (!existsSync(file)) {
      log(`bench: encoding ${path.basename(file)}`);
      const tmp = `${file}.tmp.${choice.ext}`;
      await execa(ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30,format=yuv420p`,
        '-frames:v', String(frames), ...pick.args, tmp]);
      await rename(tmp, file);
    }
    streams.push({ codec: choice.codec, file, encoder: pick.encoder, frames });
  }
  return { streams, skipped };
}

/** `/usr/bin/time -f` output: wall, user, sys, max RSS (KiB). */
export function parseTime(text: string): Omit<Measurement, 'exit_code' | 'cpu_s'> {
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/m.exec(text);
  if (!m) throw new Error(`cannot read /usr/bin/time output: ${text.trim().split('\n').pop() ?? ''}`);
  return { wall_s: Number(m[1]), user_s: Number(m[2]), sys_s: Number(m[3]), peak_rss_kib: Number(m[4]) };
}

async function timed(cmd: string[], env: Record<string, string>, workDir: string, timeoutMs: number): Promise<Measurement & { stderr: string }> {
  const timeFile = path.join(workDir, `time-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const r = await execa('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...cmd], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: timeoutMs, cwd: workDir });
  const t = parseTime(await readFile(timeFile, 'utf8'));
  return { ...t, cpu_s: t.user_s + t.sys_s, exit_code: r.exitCode ?? -1, stderr: r.stderr };
}

const counter = (s: DriverStats | null, keys: readonly string[]): number | null => {
  for (const k of keys) {
    const v = s?.extra[k];
    if (typeof v === 'number') return v;
  }
  return null;
};

export interface BenchOptions {
  driver: DriverSetup;
  ffmpeg: string;
  hwaccelDevice: string;
  streamsDir: string;
  frames: number;
  /** Runs per side; the run with the least CPU time is kept. */
  runs: number;
  timeoutMs: number;
  log: (s: string) => void;
}

export async function bench(o: BenchOptions): Promise<{ rows: BenchRow[]; skipped: string[] }> {
  if (!existsSync('/usr/bin/time')) throw new EnvironmentError('/usr/bin/time not found (Debian package time)');
  const { streams, skipped } = await ensureStreams(o.streamsDir, o.frames, o.ffmpeg, o.log);
  const rows: BenchRow[] = [];
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'vareq-bench-'));
  try {
    for (const s of streams) {
      let best: { hw: Measurement & { stderr: string }; stats: DriverStats | null } | null = null;
      let bestSw: (Measurement & { stderr: string }) | null = null;
      for (let i = 0; i < o.runs; i++) {
        // Side by side: hardware path then software, alternating, in the same run.
        const statsFile = path.join(workDir, `stats-${s.codec}-${i}.json`);
        const env = clientEnv(o.driver, statsFile);
        const hw = await timed([o.ffmpeg, '-nostdin', '-hide_banner', '-v', 'error', ...hwDecoderOptions(s.codec), '-hwaccel', 'vaapi', '-hwaccel_device', o.hwaccelDevice,
          '-hwaccel_output_format', 'vaapi', '-i', s.file, '-vf', 'hwdownload,format=nv12', '-f', 'null', '-'], env, workDir, o.timeoutMs);
        const st = await readStats(statsFile);
        const stats = st.ok ? st.stats : null;
        if (!best || hw.cpu_s < best.hw.cpu_s) best = { hw, stats };
        const swEnv: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) if (v !== undefined) swEnv[k] = v;
        const sw = await timed([o.ffmpeg, '-nostdin', '-hide_banner', '-v', 'error', '-threads', '1', ...softwareDecoder(s.codec), '-i', s.file, '-pix_fmt', 'nv12', '-f', 'null', '-'], swEnv, workDir, o.timeoutMs);
        if (!bestSw || sw.cpu_s < bestSw.cpu_s) bestSw = sw;
      }
      if (!best || !bestSw) continue;
      const decoded = best.stats?.decoded ?? 0;
      const perFrame = (n: number | null, scale = 1): number | null => (n === null || decoded === 0 ? null : (n * scale) / decoded);
      rows.push({
        codec: s.codec, stream: path.basename(s.file), encoder: s.encoder, frames: s.frames,
        hw: { wall_s: best.hw.wall_s, user_s: best.hw.user_s, sys_s: best.hw.sys_s, cpu_s: best.hw.cpu_s, peak_rss_kib: best.hw.peak_rss_kib, exit_code: best.hw.exit_code,
          decoded, through_driver: best.hw.exit_code === 0 && best.stats !== null && decoded >= s.frames && best.stats.decode_errors === 0 },
        sw: { wall_s: bestSw.wall_s, user_s: bestSw.user_s, sys_s: bestSw.sys_s, cpu_s: bestSw.cpu_s, peak_rss_kib: bestSw.peak_rss_kib, exit_code: bestSw.exit_code,
          decoder: s.codec === 'AV1' ? 'libdav1d' : `ffmpeg native ${s.codec.toLowerCase()}` },
        cpu_ratio: bestSw.cpu_s > 0 ? best.hw.cpu_s / bestSw.cpu_s : NaN,
        wall_ratio: bestSw.wall_s > 0 ? best.hw.wall_s / bestSw.wall_s : NaN,
        ioctls_per_frame: perFrame(counter(best.stats, ['ioctls', 'ioctl_calls'])),
        bytes_copied_per_frame: perFrame(counter(best.stats, ['bytes_copied', 'copied_bytes'])),
        driver_cpu_ms_per_frame: perFrame(counter(best.stats, ['driver_cpu_ns', 'cpu_ns']), 1e-6),
        stats: best.stats,
      });
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { rows, skipped };
}
