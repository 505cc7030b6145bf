/** Locating and describing the external programs the harness runs. */
import { execa } from 'execa';
import { EnvironmentError } from './errors.js';

export async function requireTool(cmd: string, versionArgs: string[], hint: string): Promise<string> {
  try {
    const r = await execa(cmd, versionArgs, { reject: false, all: true, stdin: 'ignore' });
    if (r.failed && r.exitCode === undefined) throw new Error(r.shortMessage);
    return (r.all ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? cmd;
  } catch {
    throw new EnvironmentError(`${cmd} not found (${hint}); run scripts/setup.sh`);
  }
}

export const ffmpegVersion = (ffmpeg = 'ffmpeg'): Promise<string> =>
  requireTool(ffmpeg, ['-hide_banner', '-version'], 'Debian package ffmpeg');
