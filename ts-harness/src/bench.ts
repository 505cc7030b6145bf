/**
 * `vareq bench`: per generated 1080p stream (VP9, H.264, AV1) and per client, the decode through
 * the driver on simdev against the same software decoder alone, side by side in one run:
 *  - CPU (user+sys) and wall time of the whole client process (it holds the driver and simdev)
 *    over the long run, against the software decoder that simdev's engine uses (libvpx for VP9
 *    and VP8, dav1d for AV1, libavcodec for H.264), every decoder single-threaded as in simdev;
 *  - the driver's counters (VAREQ_STATS_FILE): ioctls through the device seam, pixel bytes the
 *    driver copied, the driver's own CPU time inside the per-frame VA calls, frames decoded;
 *  - peak RSS (/usr/bin/time) and peak open file descriptors (sampled from /proc) after a short
 *    and after a long run: they must not grow with the number of frames.
 * Steady-state ioctls per frame are the difference of the long and the short run's counters
 * divided by the difference of their decoded frames, so set-up (discovery, format negotiation,
 * buffer allocation) does not count.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { clientEnv, type DriverSetup } from './driver.js';
import { EnvironmentError } from './errors.js';
import { exportDeviceArgs, hwDecoderOptions } from './ffmpeg.js';
import { readStats, type DriverStats } from './stats.js';

export type BenchCodec = 'VP9' | 'H264' | 'AV1';
export const BENCH_CODECS: readonly BenchCodec[] = ['VP9', 'H264', 'AV1'];

export interface BenchStream {
  codec: BenchCodec;
  file: string;
  encoder: string;
  frames: number;
}

/**
 * How the client takes the decoded frames:
 *  - copy-back: `hwdownload` to NV12 (vaGetImage: the driver copies each frame);
 *  - gpu: frames stay VA surfaces (`-hwaccel_output_format vaapi`, no download): decode only;
 *  - export: each frame exported as DRM PRIME (`hwmap` → vaExportSurfaceHandle), not copied.
 */
export type BenchClient = 'copy-back' | 'gpu' | 'export';
export const BENCH_CLIENTS: readonly BenchClient[] = ['copy-back', 'gpu', 'export'];

export interface Measurement {
  wall_s: number;
  user_s: number;
  sys_s: number;
  cpu_s: number;
  peak_rss_kib: number;
  /** Most open file descriptors seen in the client process (sampled every 20 ms); null if never sampled. */
  peak_fds: number | null;
  /** Median of the samples of the second half of the run: the steady-state count, without transients. */
  steady_fds: number | null;
  exit_code: number;
}

export interface HwRun extends Measurement {
  decoded: number;
  stats: DriverStats | null;
  problem: string | null;
}

export interface Targets {
  /** CPU ratio ≤ 1.10. */
  cpu_ratio: boolean;
  /** ≤ 12 ioctls per frame in steady state. */
  ioctls: boolean;
  /** 0 pixel bytes copied by the driver (only judged for the gpu and export clients). */
  zero_copy: boolean | null;
  /** Peak RSS (within 2 % or 2 MiB) and steady-state open fds after the long run equal to the short run's. */
  flat_rss: boolean;
  flat_fds: boolean;
}

export interface BenchRow {
  codec: string;
  stream: string;
  encoder: string;
  client: BenchClient;
  /** null when the client could run; otherwise why it could not (environment, not the driver). */
  unavailable: string | null;
  frames_short: number;
  frames_long: number;
  hw: HwRun;
  hw_short: HwRun;
  sw: Measurement & { decoder: string };
  through_driver: boolean;
  /** hw CPU time / sw CPU time over the long run (target ≤ 1.10). */
  cpu_ratio: number;
  wall_ratio: number;
  /** Steady state: (long − short) / (decoded long − decoded short). */
  ioctls_per_frame: number | null;
  /** Over the whole long run, set-up included. */
  ioctls_per_frame_total: number | null;
  polls_per_frame: number | null;
  bytes_copied_per_frame: number | null;
  driver_cpu_ms_per_frame: number | null;
  targets: Targets;
}

interface EncoderChoice {
  codec: BenchCodec;
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

/**
 * The software decoder of the comparison: the library simdev's engine decodes the codec with
 * (simdev/codecs/*: libvpx for VP8/VP9, dav1d for AV1, libavcodec's h264 for H.264).
 */
export function softwareDecoder(codec: string): { args: string[]; name: string } {
  switch (codec.toUpperCase()) {
    case 'VP9': return { args: ['-c:v', 'libvpx-vp9'], name: 'libvpx-vp9' };
    case 'VP8': return { args: ['-c:v', 'libvpx'], name: 'libvpx (VP8)' };
    case 'AV1': return { args: ['-c:v', 'libdav1d'], name: 'libdav1d' };
    case 'H264': return { args: ['-c:v', 'h264'], name: 'libavcodec h264' };
    default: throw new Error(`no software decoder for ${codec}`);
  }
}

/** Threads: simdev's engines decode single-threaded, so both sides get -threads 1. */
export const BENCH_THREADS = ['-threads', '1'];

async function encoders(ffmpeg: string): Promise<Set<string>> {
  const r = await execa(ffmpeg, ['-hide_banner', '-encoders'], { reject: false });
  return new Set([...r.stdout.matchAll(/^\s*V\S*\s+(\S+)/gm)].map((m) => m[1] ?? ''));
}

/** Generates (once, cached in dir) a 1080p stream per codec; codecs without an encoder are skipped. */
export async function ensureStreams(dir: string, frames: number, ffmpeg: string, log: (s: string) => void, codecs?: readonly string[]): Promise<{ streams: BenchStream[]; skipped: string[] }> {
  await mkdir(dir, { recursive: true });
  const have = await encoders(ffmpeg);
  const streams: BenchStream[] = [];
  const skipped: string[] = [];
  for (const choice of ENCODERS) {
    if (codecs && !codecs.includes(choice.codec)) continue;
    const pick = choice.candidates.find((c) => have.has(c.encoder));
    if (!pick) {
      skipped.push(`${choice.codec}: no encoder (${choice.candidates.map((c) => c.encoder).join(' or ')}) in ${ffmpeg}`);
      continue;
    }
    const file = path.join(dir, `${choice.codec.toLowerCase()}-1080p-${frames}f-${pick.encoder}.${choice.ext}`);
    if (!existsSync(file)) {
      log(`bench: encoding ${path.basename(file)} (once; cached)`);
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
export function parseTime(text: string): Pick<Measurement, 'wall_s' | 'user_s' | 'sys_s' | 'peak_rss_kib'> {
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/m.exec(text);
  if (!m) throw new Error(`cannot read /usr/bin/time output: ${text.trim().split('\n').pop() ?? ''}`);
  return { wall_s: Number(m[1]), user_s: Number(m[2]), sys_s: Number(m[3]), peak_rss_kib: Number(m[4]) };
}

/** Open file descriptors of the children of pid (the client under /usr/bin/time), or null. */
async function childFds(pid: number): Promise<number | null> {
  let children: string;
  try {
    children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return null;
  }
  let total: number | null = null;
  for (const c of children.trim().split(/\s+/).filter(Boolean)) {
    try {
      total = (total ?? 0) + (await readdir(`/proc/${c}/fd`)).length;
    } catch {
      // exited between the two reads
    }
  }
  return total;
}

async function timed(cmd: string[], env: Record<string, string>, workDir: string, timeoutMs: number): Promise<Measurement & { stderr: string }> {
  const timeFile = path.join(workDir, `time-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const child = execa('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...cmd], { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: timeoutMs, cwd: workDir });
  const samples: number[] = [];
  let sampling = false;
  const timer = setInterval(() => {
    if (sampling || child.pid === undefined) return;
    sampling = true;
    void childFds(child.pid).then((n) => {
      if (n !== null) samples.push(n);
      sampling = false;
    });
  }, 20);
  const r = await child;
  clearInterval(timer);
  const t = parseTime(await readFile(timeFile, 'utf8'));
  return { ...t, cpu_s: t.user_s + t.sys_s, ...fdSummary(samples), exit_code: r.exitCode ?? -1, stderr: r.stderr };
}

/** Peak and steady state (median of the second half) of fd-count samples. */
export function fdSummary(samples: readonly number[]): { peak_fds: number | null; steady_fds: number | null } {
  if (samples.length === 0) return { peak_fds: null, steady_fds: null };
  const tail = [...samples.slice(Math.floor(samples.length / 2))].sort((a, b) => a - b);
  return { peak_fds: Math.max(...samples), steady_fds: tail[Math.floor(tail.length / 2)] ?? null };
}

/** ffmpeg arguments of one client (the hardware side); frames limits the output (short run). */
export function clientArgs(client: BenchClient, s: Pick<BenchStream, 'codec' | 'file'>, hwaccelDevice: string, frames: number | null): string[] {
  const head = ['-nostdin', '-hide_banner', '-v', 'error', ...BENCH_THREADS];
  const limit = frames === null ? [] : ['-frames:v', String(frames)];
  const hw = ['-hwaccel_output_format', 'vaapi', ...hwDecoderOptions(s.codec)];
  switch (client) {
    case 'copy-back':
      return [...head, '-hwaccel', 'vaapi', '-hwaccel_device', hwaccelDevice, ...hw, '-i', s.file, ...limit, '-vf', 'hwdownload,format=nv12', '-f', 'null', '-'];
    case 'gpu':
      return [...head, '-hwaccel', 'vaapi', '-hwaccel_device', hwaccelDevice, ...hw, '-i', s.file, ...limit, '-f', 'null', '-'];
    case 'export':
      return [...head, ...exportDeviceArgs(hwaccelDevice), '-hwaccel', 'vaapi', '-hwaccel_device', 'va', ...hw, '-i', s.file, ...limit, '-vf', 'hwmap=mode=read,format=drm_prime', '-f', 'null', '-'];
  }
}

export function softwareArgs(s: Pick<BenchStream, 'codec' | 'file'>): string[] {
  return ['-nostdin', '-hide_banner', '-v', 'error', ...BENCH_THREADS, ...softwareDecoder(s.codec).args, '-i', s.file, '-f', 'null', '-'];
}

/** Why a client could not run in this environment (not a driver failure), from its stderr; null otherwise. */
export function environmentProblem(stderr: string): string | null {
  const lines = stderr.split('\n');
  const hit = lines.find((l) => /Failed to get version information|Device creation failed|Failed to set value '.*' for option 'init_hw_device'/.test(l));
  return hit ? hit.trim() : null;
}

const num = (s: DriverStats | null, key: string): number | null => {
  const v = s?.extra[key];
  return typeof v === 'number' ? v : null;
};

/** Peak RSS after the long run within 2 % or 2 MiB of the short run's. */
export function flatRss(shortKib: number, longKib: number): boolean {
  return longKib - shortKib <= Math.max(2048, shortKib * 0.02);
}

export interface Derived {
  ioctls_per_frame: number | null;
  ioctls_per_frame_total: number | null;
  polls_per_frame: number | null;
  bytes_copied_per_frame: number | null;
  driver_cpu_ms_per_frame: number | null;
}

/** The per-frame counters of a long and a short run. */
export function perFrame(long: Pick<HwRun, 'decoded' | 'stats'>, short: Pick<HwRun, 'decoded' | 'stats'>): Derived {
  const d = long.decoded;
  const per = (key: string, scale = 1): number | null => {
    const v = num(long.stats, key);
    return v === null || d === 0 ? null : (v * scale) / d;
  };
  const steady = (key: string): number | null => {
    const a = num(long.stats, key);
    const b = num(short.stats, key);
    const dd = long.decoded - short.decoded;
    return a === null || b === null || dd <= 0 ? null : (a - b) / dd;
  };
  return {
    ioctls_per_frame: steady('ioctls'),
    ioctls_per_frame_total: per('ioctls'),
    polls_per_frame: steady('polls'),
    bytes_copied_per_frame: per('pixel_bytes_copied'),
    driver_cpu_ms_per_frame: per('driver_cpu_ns', 1e-6),
  };
}

export interface BenchOptions {
  driver: DriverSetup;
  ffmpeg: string;
  hwaccelDevice: string;
  streamsDir: string;
  /** Frames of the generated streams (the long run decodes all of them). */
  frames: number;
  /** Frames of the short run (peak RSS / fds and the steady-state ioctl baseline). */
  shortFrames: number;
  clients: readonly BenchClient[];
  codecs?: readonly string[];
  /** Runs per side; the run with the least CPU time is kept. */
  runs: number;
  timeoutMs: number;
  log: (s: string) => void;
}

export async function bench(o: BenchOptions): Promise<{ rows: BenchRow[]; skipped: string[] }> {
  if (!existsSync('/usr/bin/time')) throw new EnvironmentError('/usr/bin/time not found (Debian package time)');
  if (o.shortFrames >= o.frames) throw new EnvironmentError(`--short-frames ${o.shortFrames} must be less than --frames ${o.frames}`);
  const { streams, skipped } = await ensureStreams(o.streamsDir, o.frames, o.ffmpeg, o.log, o.codecs);
  const rows: BenchRow[] = [];
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'vareq-bench-'));
  const swEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) swEnv[k] = v;
  let seq = 0;
  const hwRun = async (client: BenchClient, s: BenchStream, frames: number | null): Promise<HwRun> => {
    const statsFile = path.join(workDir, `stats-${seq++}.json`);
    const m = await timed([o.ffmpeg, ...clientArgs(client, s, o.hwaccelDevice, frames)], clientEnv(o.driver, statsFile), workDir, o.timeoutMs);
    const st = await readStats(statsFile);
    const stats = st.ok ? st.stats : null;
    const { stderr, ...rest } = m;
    let problem: string | null = null;
    if (m.exit_code !== 0) problem = environmentProblem(stderr) ?? `exit ${m.exit_code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
    else if (!st.ok) problem = st.problem;
    return { ...rest, decoded: stats?.decoded ?? 0, stats, problem };
  };
  try {
    for (const s of streams) {
      let sw: (Measurement & { stderr: string }) | null = null;
      const best = new Map<BenchClient, { long: HwRun | null; short: HwRun | null }>();
      for (const c of o.clients) best.set(c, { long: null, short: null });
      for (let i = 0; i < o.runs; i++) {
        // Side by side in one run: the software decoder, then each client, alternating per run.
        o.log(`bench: ${path.basename(s.file)} run ${i + 1}/${o.runs}: software (${softwareDecoder(s.codec).name})`);
        const m = await timed([o.ffmpeg, ...softwareArgs(s)], swEnv, workDir, o.timeoutMs);
        if (!sw || m.cpu_s < sw.cpu_s) sw = m;
        for (const c of o.clients) {
          const b = best.get(c);
          if (!b) continue;
          if (i > 0 && b.long?.problem && environmentProblem(b.long.problem)) continue;
          o.log(`bench: ${path.basename(s.file)} run ${i + 1}/${o.runs}: ${c} through the driver (${s.frames} and ${o.shortFrames} frames)`);
          const long = await hwRun(c, s, null);
          if (!b.long || (long.problem === null && (b.long.problem !== null || long.cpu_s < b.long.cpu_s))) b.long = long;
          if (long.problem !== null && environmentProblem(long.problem)) continue;
          const short = await hwRun(c, s, o.shortFrames);
          if (!b.short || (short.problem === null && (b.short.problem !== null || short.cpu_s < b.short.cpu_s))) b.short = short;
        }
      }
      if (!sw) continue;
      if (sw.exit_code !== 0) throw new EnvironmentError(`software decode of ${path.basename(s.file)} failed (${softwareDecoder(s.codec).name}): ${sw.stderr.trim().split('\n').pop() ?? ''}`);
      const { stderr: _swErr, ...swM } = sw;
      for (const c of o.clients) {
        const b = best.get(c);
        if (!b?.long) continue;
        const long = b.long;
        const empty: HwRun = { wall_s: 0, user_s: 0, sys_s: 0, cpu_s: 0, peak_rss_kib: 0, peak_fds: null, steady_fds: null, exit_code: -1, decoded: 0, stats: null, problem: 'not run' };
        const short = b.short ?? empty;
        const unavailable = long.problem !== null ? environmentProblem(long.problem) : null;
        const exportsOk = c !== 'export' || (long.stats?.exports ?? 0) >= s.frames;
        const through = long.problem === null && long.stats !== null && long.decoded >= s.frames && long.stats.decode_errors === 0 && exportsOk &&
          short.problem === null && short.decoded >= o.shortFrames;
        const d = perFrame(long, short);
        const cpuRatio = sw.cpu_s > 0 ? long.cpu_s / sw.cpu_s : NaN;
        rows.push({
          codec: s.codec, stream: path.basename(s.file), encoder: s.encoder, client: c, unavailable,
          frames_short: o.shortFrames, frames_long: s.frames,
          hw: long, hw_short: short,
          sw: { ...swM, decoder: softwareDecoder(s.codec).name },
          through_driver: through,
          cpu_ratio: cpuRatio,
          wall_ratio: sw.wall_s > 0 ? long.wall_s / sw.wall_s : NaN,
          ...d,
          targets: {
            cpu_ratio: Number.isFinite(cpuRatio) && cpuRatio <= 1.1,
            ioctls: d.ioctls_per_frame !== null && d.ioctls_per_frame <= 12,
            zero_copy: c === 'copy-back' ? null : d.bytes_copied_per_frame === 0,
            flat_rss: short.peak_rss_kib > 0 && flatRss(short.peak_rss_kib, long.peak_rss_kib),
            flat_fds: short.steady_fds !== null && long.steady_fds !== null && long.steady_fds <= short.steady_fds,
          },
        });
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { rows, skipped };
}
