/** ffmpeg as a client: hardware decode through the driver, and the software reference decode. */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { AV1_SOFTWARE_DECODER, av1HwInputOptions, isAv1 } from './av1.js';
import { fileHash, framesOf, newMd5, parseFrameMd5, type FrameMd5 } from './md5.js';
import { frameBytes420, packP010 } from './pack.js';
import type { TestVector } from './suite.js';

/** Pixel format the frames are downloaded in (and the per-frame reference is computed in). */
export function downloadFormat(outputFormat: string): string {
  return /(10|12)(le|be)$/.test(outputFormat) ? 'p010le' : 'nv12';
}

/**
 * Decoder selection for the hardware path: FFmpeg's default AV1 decoder is libdav1d, which has no
 * hwaccel; the native "av1" decoder decodes only through a hwaccel.
 */
export function hwDecoderOptions(codec: string): string[] {
  return isAv1(codec) ? ['-c:v', 'av1'] : [];
}

/**
 * Input options of the hardware path: the suite's, as the hardware decoder names them (AV1: the
 * suites give libdav1d's, see av1.ts), then the decoder selection. Throws when the hardware
 * decoder cannot give what the suite asks (conform checks that first: hwLimitation).
 */
export function hwInputOptions(v: Pick<TestVector, 'codec' | 'ffmpegInputOptions'>): string[] {
  return [...nativeInputOptions(v), ...hwDecoderOptions(v.codec)];
}

/**
 * The suite's decoder options as the native (hwaccel) decoder names them, for every client that
 * decodes with FFmpeg's decoders (ffmpeg, mpv); throws on a limitation (hwLimitation).
 */
export function nativeInputOptions(v: Pick<TestVector, 'codec' | 'ffmpegInputOptions'>): string[] {
  if (!isAv1(v.codec)) return [...v.ffmpegInputOptions];
  const o = av1HwInputOptions(v.ffmpegInputOptions);
  if (!o.ok) throw new Error(o.limitation);
  return o.options;
}

/** Why the hardware client cannot decode what the vector's reference covers, or null. */
export function hwLimitation(v: Pick<TestVector, 'codec' | 'ffmpegInputOptions'>): string | null {
  if (!isAv1(v.codec)) return null;
  const o = av1HwInputOptions(v.ffmpegInputOptions);
  return o.ok ? null : o.limitation;
}

/** The software reference decoder (-c:v), when FFmpeg's default is not the one to use. */
export function softwareDecoderOptions(codec: string): string[] {
  return isAv1(codec) ? ['-c:v', AV1_SOFTWARE_DECODER] : [];
}

export interface ProcessOutcome {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  stderr: string;
  command: string[];
  durationMs: number;
}

export interface HwDecodeResult extends ProcessOutcome {
  frames: FrameMd5[];
  /** Per-frame MD5s of I420 frames (only when the vector has official per-frame MD5s). */
  i420Frames: FrameMd5[] | null;
  /** MD5 of the whole output in the vector's output_format; null when not computed. */
  wholeMd5: string | null;
  /** framemd5 output that could not be parsed. */
  parseProblem: string | null;
}

/**
 * How the client takes frames from the driver: vaGetImage copies (copy-back), DRM PRIME export +
 * hwdownload of the DRM frame (export), or, where FFmpeg's hwdownload reads at a wrong size (see
 * av1.ts), mappings that take each frame's own layout: vaDeriveImage (map: hwmap=mode=read+direct)
 * or DRM PRIME export + an mmap of the dma-buf with the descriptor's layers (export-map).
 */
export type HwPath = 'copy-back' | 'export' | 'map' | 'export-map';

const isExportPath = (p: HwPath): boolean => p === 'export' || p === 'export-map';

/**
 * Devices of a client that exports: a VAAPI device `va` and a DRM device `dr`, both opened on the
 * render node (ffmpeg 5.1 cannot derive a DRM device from a VAAPI one: ENOSYS). `dr` is the
 * filters' device unless `filterDevice` is false.
 */
export function exportDeviceArgs(hwaccelDevice: string, filterDevice = true): string[] {
  return ['-init_hw_device', `vaapi=va:${hwaccelDevice}`, '-init_hw_device', `drm=dr:${hwaccelDevice}`, ...(filterDevice ? ['-filter_hw_device', 'dr'] : [])];
}

export interface HwDecodeOptions {
  /** copy-back (default) or export. */
  path?: HwPath;
  ffmpeg: string;
  env: Record<string, string>;
  hwaccelDevice: string;
  timeoutMs: number;
  workDir: string;
  /** Also write the raw output (output_format) to this file (--keep-output). */
  keepRawFile?: string | undefined;
}

/** Keeps the start (the cause) and the end (the consequences) of a long stderr. */
export function clipLines(text: string, head = 20, tail = 30): string {
  const lines = text.split('\n');
  if (lines.length <= head + tail + 1) return text;
  return [...lines.slice(0, head), `... (${lines.length - head - tail} lines left out) ...`, ...lines.slice(-tail)].join('\n');
}

/**
 * Arguments of the hardware decode (exported for tests and diagnostics). Branches of the filter
 * graph: per-frame MD5 in the download format (compared with the software reference), the raw
 * output in the suite's output_format on stdout (whole-output MD5), and, when the vector has
 * official per-frame MD5s, a per-frame MD5 of I420 frames.
 */
export function hwDecodeArgs(v: TestVector, hwaccelDevice: string, frameMd5File: string, i420FrameMd5File?: string, path: HwPath = 'copy-back'): string[] {
  const dl = downloadFormat(v.outputFormat);
  const wantRaw = v.outputFormat !== '';
  const labels = ['md5', ...(wantRaw ? ['raw'] : []), ...(i420FrameMd5File ? ['i420'] : [])];
  // export: every frame is exported (vaExportSurfaceHandle, DRM PRIME 2) and read from the mapped
  // dma-buf by hwdownload, so the descriptor's fds, offsets and pitches are what is verified.
  const read = path === 'export' ? `hwmap=mode=read,format=drm_prime,hwdownload,format=${dl}`
    : path === 'export-map' ? `hwmap=mode=read,format=drm_prime,hwmap=mode=read,format=${dl}`
      : path === 'map' ? `hwmap=mode=read+direct,format=${dl}` : `hwdownload,format=${dl}`;
  const graph = `[0:v:0]${read}` + (labels.length > 1 ? `,split=${labels.length}${labels.map((l) => `[${l}]`).join('')}` : '[md5]');
  const common = ['-autoscale', '0', '-fps_mode', 'passthrough'];
  const devices = isExportPath(path)
    ? [...exportDeviceArgs(hwaccelDevice), '-hwaccel', 'vaapi', '-hwaccel_device', 'va']
    : ['-hwaccel', 'vaapi', '-hwaccel_device', hwaccelDevice];
  const args = [
    '-nostdin', '-hide_banner', '-y', '-v', 'warning',
    ...hwInputOptions(v),
    ...devices, '-hwaccel_output_format', 'vaapi',
    '-i', v.inputPath,
    '-filter_complex', graph,
    '-map', '[md5]', ...common, ...v.ffmpegOutputOptions, '-f', 'framemd5', frameMd5File,
  ];
  if (i420FrameMd5File) args.push('-map', '[i420]', ...common, ...v.ffmpegOutputOptions, '-pix_fmt', 'yuv420p', '-f', 'framemd5', i420FrameMd5File);
  if (wantRaw) args.push('-map', '[raw]', ...common, ...v.ffmpegOutputOptions, '-pix_fmt', v.outputFormat, '-f', 'rawvideo', '-');
  return args;
}

async function readFrameMd5File(file: string): Promise<{ frames: FrameMd5[]; problem: string | null }> {
  if (!existsSync(file)) return { frames: [], problem: null };
  try {
    return { frames: framesOf(parseFrameMd5(await readFile(file, 'utf8'))), problem: null };
  } catch (err) {
    return { frames: [], problem: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The export path needs a DRM device on the render node (ffmpeg opens it with drmGetVersion, which
 * must succeed). Returns null when ffmpeg can open one, else its error line.
 */
export async function exportPathProblem(ffmpeg: string, hwaccelDevice: string, env: Record<string, string>): Promise<string | null> {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', ...exportDeviceArgs(hwaccelDevice, false),
    '-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.04', '-f', 'null', '-'];
  const r = await execa(ffmpeg, args, { env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
  if (r.exitCode === 0) return null;
  return r.stderr.split('\n').find((l) => l.trim() !== '')?.trim() ?? `ffmpeg exited ${r.exitCode ?? '?'}`;
}

export async function decodeHw(v: TestVector, o: HwDecodeOptions): Promise<HwDecodeResult> {
  const frameMd5File = path.join(o.workDir, 'hw.framemd5');
  const i420File = v.frameMd5Path ? path.join(o.workDir, 'hw-i420.framemd5') : undefined;
  const args = hwDecodeArgs(v, o.hwaccelDevice, frameMd5File, i420File, o.path ?? 'copy-back');
  const started = Date.now();
  const hash = newMd5();
  const keep = o.keepRawFile && v.outputFormat !== '' ? createWriteStream(o.keepRawFile) : undefined;
  const proc = execa(o.ffmpeg, args, {
    env: o.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    encoding: 'buffer',
    buffer: { stdout: false, stderr: true },
    timeout: o.timeoutMs,
    forceKillAfterDelay: 2000,
    cwd: o.workDir,
  });
  proc.stdout?.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    keep?.write(chunk);
  });
  const r = await proc;
  if (keep) await new Promise<void>((resolve, reject) => keep.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const stderr = r.stderr instanceof Uint8Array ? Buffer.from(r.stderr).toString('utf8') : String(r.stderr ?? '');
  const main = await readFrameMd5File(frameMd5File);
  const i420 = i420File ? await readFrameMd5File(i420File) : null;
  return {
    exitCode: r.exitCode,
    signal: r.signal ?? undefined,
    timedOut: r.timedOut,
    stderr: clipLines(stderr),
    command: [o.ffmpeg, ...args],
    durationMs: Date.now() - started,
    frames: main.frames,
    i420Frames: i420 ? i420.frames : null,
    wholeMd5: v.outputFormat !== '' ? hash.digest('hex') : null,
    parseProblem: main.problem ?? i420?.problem ?? null,
  };
}

/**
 * Declined-stream probe: ffmpeg exits without vaTerminate when the hwaccel cannot be set up and
 * the hwdownload filter then fails, so the driver writes no stats. This run lets ffmpeg fall
 * back to software for one frame and exit normally (the driver's stats are then written).
 */
export async function probeDecline(v: TestVector, o: HwDecodeOptions): Promise<ProcessOutcome> {
  const args = [
    '-nostdin', '-hide_banner', '-v', 'warning', ...hwInputOptions(v),
    '-hwaccel', 'vaapi', '-hwaccel_device', o.hwaccelDevice, '-hwaccel_output_format', 'vaapi',
    '-i', v.inputPath, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-',
  ];
  const started = Date.now();
  const r = await execa(o.ffmpeg, args, { env: o.env, extendEnv: false, reject: false, stdin: 'ignore', timeout: o.timeoutMs, cwd: o.workDir });
  return { exitCode: r.exitCode, signal: r.signal ?? undefined, timedOut: r.timedOut, stderr: clipLines(r.stderr), command: [o.ffmpeg, ...args], durationMs: Date.now() - started };
}

export interface Reference {
  frames: FrameMd5[];
  cached: boolean;
}

/**
 * Per-frame reference from FFmpeg's software decoder (-threads 1), cached by the stream's hash.
 * AV1: libdav1d (FFmpeg's default AV1 decoder may be another), with the suite's options.
 * NV12 (8-bit outputs): FFmpeg converts to nv12 and hashes each frame (framemd5). P010 (10-bit
 * outputs): FFmpeg decodes to yuv420p10le without any scaling, and the frames are packed to P010
 * here (packP010), because swscale's yuv420p10le → p010le leaves the last chroma column zero at
 * odd widths.
 */
export async function referenceFrames(v: TestVector, o: { ffmpeg: string; cacheDir: string; timeoutMs: number }): Promise<Reference> {
  const pixFmt = downloadFormat(v.outputFormat);
  const fileSha = await fileHash(v.inputPath, 'sha256');
  const common = [
    '-nostdin', '-hide_banner', '-nostats', '-threads', '1',
    ...v.ffmpegInputOptions, ...softwareDecoderOptions(v.codec),
    '-i', v.inputPath,
    '-map', '0:v:0', '-autoscale', '0', '-fps_mode', 'passthrough', ...v.ffmpegOutputOptions,
  ];
  const args = pixFmt === 'p010le'
    ? [...common.slice(0, 3), '-v', 'info', ...common.slice(3), '-vf', 'showinfo', '-pix_fmt', 'yuv420p10le', '-f', 'rawvideo', '-']
    : [...common.slice(0, 3), '-v', 'error', ...common.slice(3), '-pix_fmt', pixFmt, '-f', 'framemd5', '-'];
  const method = pixFmt === 'p010le' ? 'p010-packed/1' : 'framemd5/1';
  const key = createHash('sha256').update(JSON.stringify([fileSha, method, args.filter((a) => a !== v.inputPath)])).digest('hex').slice(0, 32);
  const cacheFile = path.join(o.cacheDir, 'ref', `${fileSha.slice(0, 16)}-${key}.framemd5`);
  if (existsSync(cacheFile)) {
    return { frames: framesOf(parseFrameMd5(await readFile(cacheFile, 'utf8'))), cached: true };
  }
  let text: string;
  if (pixFmt === 'p010le') {
    text = await packedReference(o.ffmpeg, args, o.timeoutMs);
  } else {
    const r = await execa(o.ffmpeg, args, { stdin: 'ignore', timeout: o.timeoutMs, maxBuffer: 256 * 1024 * 1024 });
    text = r.stdout;
  }
  const parsed = parseFrameMd5(text);
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, cacheFile);
  return { frames: framesOf(parsed), cached: false };
}

/** A showinfo line: frame number, pts and size (the size each raw frame on stdout has). */
export function parseShowinfo(line: string): { n: number; pts: string; width: number; height: number } | null {
  const m = /\[Parsed_showinfo_\d+ @ [^\]]*\] n:\s*(\d+)\s+pts:\s*(\S+).*?\ss:(\d+)x(\d+)\s/.exec(line);
  if (!m) return null;
  return { n: Number(m[1]), pts: m[2] ?? '', width: Number(m[3]), height: Number(m[4]) };
}

/** FIFO of stdout chunks from which whole frames are taken. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      if (!c) throw new Error('ByteQueue underflow');
      const k = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, k);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

/**
 * Runs the yuv420p10le decode and turns it into framemd5 text of P010 frames: the frame sizes come
 * from showinfo on stderr (a stream may change size), the samples from stdout, hashed as they
 * arrive (memory stays at a few frames).
 */
async function packedReference(ffmpeg: string, args: string[], timeoutMs: number): Promise<string> {
  const proc = execa(ffmpeg, args, {
    stdin: 'ignore', reject: false, encoding: 'buffer', buffer: { stdout: false, stderr: false }, timeout: timeoutMs, forceKillAfterDelay: 2000,
  });
  const sizes: Array<{ pts: string; width: number; height: number }> = [];
  const queue = new ByteQueue();
  const lines: string[] = [];
  const other: string[] = [];
  let partial = '';
  let count = 0;
  let failure: Error | null = null;
  const drain = (): void => {
    for (;;) {
      const next = sizes[0];
      if (!next) return;
      const bytes = frameBytes420(next.width, next.height, 2);
      if (queue.length < bytes) return;
      sizes.shift();
      const frame = packP010(queue.take(bytes), next.width, next.height);
      if (count === 0) lines.push(`#dimensions 0: ${next.width}x${next.height}`);
      lines.push(`0, ${count}, ${/^-?\d+$/.test(next.pts) ? next.pts : count}, 1, ${frame.length}, ${createHash('md5').update(frame).digest('hex')}`);
      count++;
    }
  };
  const onLine = (line: string): void => {
    const info = parseShowinfo(line);
    if (info) sizes.push({ pts: info.pts, width: info.width, height: info.height });
    else if (!/^\[Parsed_showinfo_/.test(line) && line.trim() !== '') other.push(line);
  };
  proc.stderr?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const l of parts) onLine(l);
    try {
      drain();
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
  });
  proc.stdout?.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    try {
      drain();
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
  });
  const r = await proc;
  if (partial !== '') onLine(partial);
  const tail = other.slice(-5).join(' | ');
  if (r.timedOut) throw new Error(`software reference decode timed out after ${timeoutMs / 1000} s`);
  if (r.exitCode !== 0) throw new Error(`ffmpeg exited ${r.exitCode ?? r.signal ?? '?'}: ${tail}`);
  if (failure) throw failure;
  drain();
  if (sizes.length > 0 || queue.length > 0) {
    throw new Error(`software reference: ${sizes.length} frame(s) announced without data, ${queue.length} bytes without a frame (after ${count} frames)`);
  }
  if (count === 0) throw new Error(`software reference: no frames decoded: ${tail}`);
  return ['#format: frame checksums', '#version: 2', '#hash: MD5', '#software reference: yuv420p10le packed to P010 by vareq', ...lines, ''].join('\n');
}
