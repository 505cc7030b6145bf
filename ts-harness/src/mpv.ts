/**
 * mpv as a client: `--hwdec=vaapi-copy` (frames copied back from VA surfaces by mpv), output
 * captured losslessly through mpv's encoding mode into FFmpeg's framemd5 muxer:
 *
 *   mpv --no-config --hwdec=vaapi-copy --hwdec-codecs=all --vaapi-device=/dev/dri/renderD128
 *       --vf=format=fmt=nv12 --ovc=rawvideo --of=framemd5 --o=<file> --no-audio --no-sub <stream>
 *
 * `--vf=format=fmt=nv12` (p010 for 10-bit) keeps the downloaded surface format, so no conversion
 * touches the pixels; `--ovc=rawvideo` passes the frames unchanged to the muxer; encoding mode never
 * drops or repeats frames. The per-frame MD5s are in the same format as the software reference.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { isAv1 } from './av1.js';
import { EnvironmentError } from './errors.js';
import { clipLines, downloadFormat, nativeInputOptions, type HwDecodeOptions, type HwDecodeResult } from './ffmpeg.js';
import { framesOf, parseFrameMd5, type FrameMd5 } from './md5.js';
import type { TestVector } from './suite.js';

/** mpv's name of the download format. */
export function mpvFormat(outputFormat: string): string {
  return downloadFormat(outputFormat) === 'p010le' ? 'p010' : 'nv12';
}

/** ffmpeg decoder options of a suite (`-name value` pairs before -i) as mpv --vd-lavc-o entries. */
export function decoderOptions(ffmpegInputOptions: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < ffmpegInputOptions.length; i += 2) {
    const k = ffmpegInputOptions[i] ?? '';
    out.push(`${k.replace(/^-/, '')}=${ffmpegInputOptions[i + 1] ?? ''}`);
  }
  return out.length ? [`--vd-lavc-o=${out.join(',')}`] : [];
}

export function mpvArgs(v: TestVector, hwaccelDevice: string, frameMd5File: string): string[] {
  return [
    '--no-config', '--msg-level=all=warn', '--hwdec=vaapi-copy', '--hwdec-codecs=all', `--vaapi-device=${hwaccelDevice}`,
    ...(isAv1(v.codec) ? ['--vd=av1'] : []), ...decoderOptions(nativeInputOptions(v)),
    `--vf=format=fmt=${mpvFormat(v.outputFormat)}`, '--ovc=rawvideo', '--of=framemd5', `--o=${frameMd5File}`,
    '--no-audio', '--no-sub', '--', v.inputPath,
  ];
}

export async function mpvVersion(mpv = 'mpv'): Promise<string> {
  try {
    const r = await execa(mpv, ['--version'], { reject: false, stdin: 'ignore' });
    if (r.exitCode === undefined) throw new Error('not runnable');
    return r.stdout.split('\n')[0] ?? 'mpv';
  } catch {
    throw new EnvironmentError(`${mpv} not found (Debian package mpv); run scripts/setup.sh`);
  }
}

export async function decodeMpv(v: TestVector, o: HwDecodeOptions & { mpv: string }): Promise<HwDecodeResult> {
  const frameMd5File = path.join(o.workDir, 'mpv.framemd5');
  const args = mpvArgs(v, o.hwaccelDevice, frameMd5File);
  const started = Date.now();
  const r = await execa(o.mpv, args, { env: o.env, extendEnv: false, reject: false, stdin: 'ignore', all: true, timeout: o.timeoutMs, forceKillAfterDelay: 2000, cwd: o.workDir });
  let frames: FrameMd5[] = [];
  let parseProblem: string | null = null;
  if (existsSync(frameMd5File)) {
    try {
      frames = framesOf(parseFrameMd5(await readFile(frameMd5File, 'utf8')));
    } catch (err) {
      parseProblem = err instanceof Error ? err.message : String(err);
    }
  }
  return {
    exitCode: r.exitCode, signal: r.signal ?? undefined, timedOut: r.timedOut, stderr: clipLines(r.all ?? ''),
    command: [o.mpv, ...args], durationMs: Date.now() - started, frames, i420Frames: null, wholeMd5: null, parseProblem,
  };
}
