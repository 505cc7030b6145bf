/**
 * Generates a codec corpus from its committed recipes: ffmpeg lavfi → y4m → vpxenc → IVF,
 * segments concatenated into one IVF; the whole-output MD5 comes from libvpx (vpxdec) and is
 * cross-checked with FFmpeg's native decoder. Writes <build>/corpora/<codec>/{*.ivf,suite.json,manifest.json}.
 * Idempotent: a stamp (recipes + generator + tool versions) skips work when nothing changed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import picomatch from 'picomatch';
import { EnvironmentError } from '../errors.js';
import { newMd5 } from '../md5.js';
import { corporaBuildDir, corporaSourceDir, repoRoot } from '../paths.js';
import { mapLimit } from '../pool.js';
import type { SuiteJson } from '../suite.js';
import { parseIvf, splitVp9Superframe, summarizeVp9, writeIvf, type IvfFile, type Vp9StreamSummary } from './ivf.js';
import { makeIntraOnly, newVp9State, parseVp9Header, showExistingFrame } from './vp9header.js';
import { loadRecipes, type RecipeFile, type StreamRecipe } from './recipes.js';

/** Bump when the generator's output for the same recipes changes. */
export const GENERATOR_VERSION = 2;

export interface ToolVersions {
  ffmpeg: string;
  vpxenc: string;
  vpxdec: string;
}

export interface StreamRecord {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
  result: string;
  frames: number;
  hidden_frames: number;
  keyframes: number;
  profile: number;
  /** Frame sizes in decode order (consecutive repeats folded). */
  sizes: string[];
  /** Features found by parsing every frame header (ivf.ts FEATURES). */
  features: string[];
}

export interface BuildManifest {
  generator_version: number;
  recipes_sha256: string;
  tools: ToolVersions;
  output_format: string;
  streams: GeneratedStream[];
}

/** corpora/manifest.json: the committed record of what the recipes produce. */
export interface CommittedManifest {
  $comment?: string;
  [codec: string]: { recipes_sha256: string; tools: ToolVersions; streams: StreamRecord[] } | string | undefined;
}

export interface BuildOptions {
  codec: string;
  force?: boolean;
  /** Regenerate into a temporary directory and compare the bytes with the existing build. */
  check?: boolean;
  only?: string;
  jobs?: number;
  updateManifest?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  outDir: string;
  suiteFile: string;
  skipped: boolean;
  streams: StreamRecord[];
  /** Differences against the committed manifest (or, with check, the existing build). */
  differences: string[];
}

async function firstLine(cmd: string, args: string[], match: RegExp): Promise<string> {
  const r = await execa(cmd, args, { reject: false, all: true, stdin: 'ignore' });
  if (r.exitCode === undefined) throw new EnvironmentError(`${cmd} not found; run scripts/setup.sh (Debian packages ffmpeg, vpx-tools)`);
  const lines = (r.all ?? '').split('\n');
  return (lines.find((l) => match.test(l)) ?? lines[0] ?? '').trim();
}

export async function toolVersions(): Promise<ToolVersions> {
  const [ffmpeg, vpxenc, vpxdec] = await Promise.all([
    firstLine('ffmpeg', ['-hide_banner', '-version'], /^ffmpeg version/),
    firstLine('vpxenc', ['--help'], /VP9 Encoder/),
    firstLine('vpxdec', ['--help'], /VP9 Decoder/),
  ]);
  return { ffmpeg: ffmpeg.replace(/ Copyright.*/, ''), vpxenc: vpxenc.replace(/\s*\(default\)$/, ''), vpxdec };
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function concatIvf(parts: IvfFile[]): IvfFile {
  const first = parts[0];
  if (!first) throw new Error('no segments');
  const frames: IvfFile['frames'] = [];
  let base = 0n;
  for (const p of parts) {
    let last = base - 1n;
    for (const f of p.frames) {
      const ts = base + f.timestamp;
      frames.push({ timestamp: ts, data: f.data });
      last = ts;
    }
    base = last + 1n;
  }
  return { header: { ...first.header, frameCount: frames.length }, frames };
}

function checkExpectations(recipe: StreamRecipe, s: Vp9StreamSummary): void {
  const e = recipe.expect ?? {};
  const bad: string[] = [];
  const profile = recipe.profile ?? 0;
  for (const f of e.features ?? []) if (!s.features.includes(f)) bad.push(`feature ${f} not used (found: ${s.features.join(', ') || 'none'})`);
  if (s.bitDepths.some((d) => d !== (profile === 2 ? 10 : 8))) bad.push(`bit depths ${s.bitDepths.join(',')}`);
  if (e.min_hidden_frames !== undefined && s.hiddenFrames < e.min_hidden_frames) bad.push(`hidden frames ${s.hiddenFrames} < ${e.min_hidden_frames}`);
  if (e.hidden_frames !== undefined && s.hiddenFrames !== e.hidden_frames) bad.push(`hidden frames ${s.hiddenFrames} != ${e.hidden_frames}`);
  if (e.keyframes !== undefined && s.keyFrames !== e.keyframes) bad.push(`keyframes ${s.keyFrames} != ${e.keyframes}`);
  if (s.profiles.some((p) => p !== profile)) bad.push(`profiles ${s.profiles.join(',')} (want ${profile})`);
  if (bad.length) throw new Error(`stream ${recipe.name} does not have the features its recipe asks for: ${bad.join('; ')}`);
}

/** The recipe's stream transform (recipes.ts StreamTransform), on the concatenated IVF. */
function transformStream(recipe: StreamRecipe, file: IvfFile): IvfFile {
  const io = recipe.transform?.intra_only;
  if (!io) return file;
  const st = newVp9State();
  const frames: IvfFile['frames'] = [];
  let keys = 0;
  let converted = 0;
  for (const f of file.frames) {
    const subs = splitVp9Superframe(f.data);
    const h = subs.length === 1 ? parseVp9Header(f.data, st) : undefined;
    if (h?.keyFrame && keys++ > 0) {
      frames.push({ timestamp: 0n, data: makeIntraOnly(f.data, h, io.reset_frame_context) });
      frames.push({ timestamp: 0n, data: showExistingFrame(h.profile, 0) });
      converted++;
    } else {
      if (subs.length > 1) for (const sub of subs) parseVp9Header(sub, st);
      frames.push({ timestamp: 0n, data: f.data });
    }
  }
  if (!converted) throw new Error(`${recipe.name}: intra_only transform: no keyframe after the first`);
  // one IVF timestamp per packet, in order
  frames.forEach((f, i) => (f.timestamp = BigInt(i)));
  return { header: { ...file.header, frameCount: frames.length }, frames };
}

/** MD5 of the whole output of libvpx, frames in I420 at their own size. */
async function vpxdecMd5(file: string): Promise<string> {
  const r = await execa('vpxdec', ['--i420', '--md5', file], { stdin: 'ignore' });
  const m = /^([0-9a-f]{32})\b/m.exec(r.stdout);
  if (!m?.[1]) throw new Error(`vpxdec --md5 gave no MD5 for ${file}: ${r.stdout}`);
  return m[1];
}

/** MD5 of the whole output of FFmpeg's native decoder as raw yuv420p (cross-check). */
async function ffmpegMd5(file: string, pixFmt: string): Promise<string> {
  const h = newMd5();
  const p = execa('ffmpeg', ['-nostdin', '-v', 'error', '-threads', '1', '-i', file, '-map', '0:v:0', '-autoscale', '0',
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'], { encoding: 'buffer', buffer: { stdout: false }, stdin: 'ignore' });
  p.stdout.on('data', (chunk: Buffer) => h.update(chunk));
  await p;
  return h.digest('hex');
}

async function generateStream(recipes: RecipeFile, recipe: StreamRecipe, workDir: string, outDir: string):
    Promise<GeneratedStream> {
  const parts: IvfFile[] = [];
  const commands: string[][] = [];
  const profile = recipe.profile ?? 0;
  const pixFmt = profile === 2 ? 'yuv420p10le' : 'yuv420p';
  const profileArgs = profile === 2 ? ['--profile=2', '--bit-depth=10', '--input-bit-depth=10'] : [];
  const outputFormat = profile === 2 ? 'yuv420p10le' : recipes.output_format;
  for (const [i, seg] of recipe.segments.entries()) {
    const y4m = path.join(workDir, `${recipe.name}.${i}.y4m`);
    const ivf = path.join(workDir, `${recipe.name}.${i}.ivf`);
    // 8-bit: a Y4M file. 10-bit: raw 16-bit samples and the size given to vpxenc, because
    // FFmpeg 5.1 writes 10-bit Y4M of odd sizes with short chroma rows (its own demuxer and
    // vpxenc 1.12 lose the framing of such files).
    let input = y4m;
    let rawArgs: string[] = [];
    if (profile === 2) {
      input = path.join(workDir, `${recipe.name}.${i}.yuv`);
      const probe = ['-v', 'error', '-f', 'lavfi', '-i', seg.lavfi, '-show_entries', 'stream=width,height', '-of', 'csv=p=0'];
      commands.push(['ffprobe', ...probe]);
      const size = /^(\d+),(\d+)/.exec((await execa('ffprobe', probe, { stdin: 'ignore' })).stdout.trim());
      if (!size) throw new Error(`${recipe.name}: ffprobe gave no size for ${seg.lavfi}`);
      rawArgs = ['--i420', `--width=${size[1]}`, `--height=${size[2]}`, `--fps=${recipes.defaults.rate}/1`];
    }
    const ff = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', seg.lavfi, '-frames:v', String(seg.frames),
      '-pix_fmt', pixFmt, '-f', profile === 2 ? 'rawvideo' : 'yuv4mpegpipe', '-y', input];
    commands.push(['ffmpeg', ...ff]);
    await execa('ffmpeg', ff, { stdin: 'ignore' });
    const enc = [...recipes.defaults.vpxenc, ...profileArgs, ...rawArgs, ...seg.vpxenc, '--quiet', '-o', ivf, input];
    commands.push(['vpxenc', ...enc]);
    await execa('vpxenc', enc, { stdin: 'ignore' });
    parts.push(parseIvf(await readFile(ivf)));
    await rm(input, { force: true });
    await rm(ivf, { force: true });
  }
  const ivfFile = transformStream(recipe, concatIvf(parts));
  const summary = summarizeVp9(ivfFile);
  checkExpectations(recipe, summary);
  const bytes = writeIvf(ivfFile);
  const file = `${recipe.name}.ivf`;
  const outPath = path.join(outDir, file);
  await writeFile(outPath, bytes);
  const [result, crossCheck] = await Promise.all([vpxdecMd5(outPath), ffmpegMd5(outPath, outputFormat)]);
  if (result !== crossCheck) {
    throw new Error(`${recipe.name}: libvpx and FFmpeg disagree on the decoded output (vpxdec ${result}, ffmpeg ${crossCheck})`);
  }
  return {
    name: recipe.name,
    description: recipe.description,
    file,
    sha256: sha256(bytes),
    bytes: bytes.length,
    result,
    frames: summary.shownFrames,
    hidden_frames: summary.hiddenFrames,
    keyframes: summary.keyFrames,
    profile,
    sizes: summary.sizes,
    features: summary.features,
    output_format: outputFormat,
    commands,
  };
}

type GeneratedStream = StreamRecord & { description: string; output_format: string; commands: string[][] };

function record(s: StreamRecord): StreamRecord {
  return { name: s.name, file: s.file, sha256: s.sha256, bytes: s.bytes, result: s.result, frames: s.frames,
    hidden_frames: s.hidden_frames, keyframes: s.keyframes, profile: s.profile, sizes: s.sizes, features: s.features };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function committedManifestPath(): string {
  return path.join(corporaSourceDir(), 'manifest.json');
}

export async function buildCorpus(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? ((): void => undefined);
  const codec = opts.codec;
  const recipesPath = path.join(corporaSourceDir(), codec, 'recipes.json');
  if (!existsSync(recipesPath)) throw new EnvironmentError(`no recipes for ${codec}: ${recipesPath} is missing`);
  const { recipes, text } = loadRecipes(recipesPath);
  const tools = await toolVersions();
  const outDir = path.join(corporaBuildDir(), codec);
  const suiteFile = path.join(outDir, 'suite.json');
  const manifestFile = path.join(outDir, 'manifest.json');
  const stampFile = path.join(outDir, '.stamp');
  const stamp = sha256(JSON.stringify({ generator: GENERATOR_VERSION, recipes: text, tools }));
  const recipesSha = sha256(text);
  const isMatch = opts.only ? picomatch(opts.only) : (): boolean => true;
  const selected = recipes.streams.filter((s) => isMatch(s.name));
  if (selected.length === 0) throw new EnvironmentError(`no ${codec} recipe matches ${opts.only ?? ''}`);

  const upToDate = async (): Promise<boolean> => {
    if (!existsSync(suiteFile) || !existsSync(manifestFile)) return false;
    if (recipes.streams.some((s) => !existsSync(path.join(outDir, `${s.name}.ivf`)))) return false;
    return (await readFile(stampFile, 'utf8').catch(() => '')).trim() === stamp;
  };

  if (!opts.force && !opts.check && !opts.only && !opts.updateManifest && (await upToDate())) {
    const m = await readJson<BuildManifest>(manifestFile);
    return { outDir, suiteFile, skipped: true, streams: (m?.streams ?? []).map(record), differences: [] };
  }

  await mkdir(outDir, { recursive: true });
  const genDir = opts.check ? await mkdtemp(path.join(os.tmpdir(), `vareq-corpus-${codec}-`)) : outDir;
  const workDir = await mkdtemp(path.join(opts.check ? genDir : outDir, '.work-'));
  const differences: string[] = [];
  let streams: GeneratedStream[];
  try {
    streams = await mapLimit(selected, opts.jobs ?? Math.max(1, os.availableParallelism()), async (r) => {
      const s = await generateStream(recipes, r, workDir, genDir);
      log(`  ${s.name}: ${s.frames} frames (${s.hidden_frames} hidden), ${s.bytes} bytes, md5 ${s.result}; ${s.features.join(' ')}`);
      return s;
    });

    if (opts.check) {
      for (const s of streams) {
        const fresh = await readFile(path.join(genDir, s.file));
        const existing = await readFile(path.join(outDir, s.file)).catch(() => undefined);
        if (!existing) differences.push(`${s.name}: no existing ${path.join(outDir, s.file)} to compare with`);
        else if (!fresh.equals(existing)) differences.push(`${s.name}: regenerated bytes differ from ${path.join(outDir, s.file)} (sha256 ${s.sha256} vs ${sha256(existing)})`);
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
    if (opts.check) await rm(genDir, { recursive: true, force: true });
  }

  // Compare with the committed manifest (what the recipes gave when they were committed).
  const committed = await readJson<CommittedManifest>(committedManifestPath());
  const entry = committed?.[codec];
  const known = typeof entry === 'object' ? entry : undefined;
  for (const s of streams) {
    const c = known?.streams.find((k) => k.name === s.name);
    if (!c) differences.push(`${s.name}: not in ${path.relative(repoRoot, committedManifestPath())} (run: vareq corpora build --update-manifest)`);
    else if (c.sha256 !== s.sha256 || c.result !== s.result || c.frames !== s.frames) {
      differences.push(`${s.name}: differs from ${path.relative(repoRoot, committedManifestPath())} (sha256 ${s.sha256}, recorded ${c.sha256}; tools now ${tools.vpxenc}, recorded ${known?.tools.vpxenc ?? '?'})`);
    }
  }

  if (!opts.check) {
    const suite: SuiteJson = {
      name: recipes.suite.name,
      codec: recipes.codec,
      description: recipes.suite.description,
      test_vectors: [],
    };
    // A partial (--only) build keeps the other streams' entries from the previous manifest.
    const previous = opts.only ? (await readJson<BuildManifest>(manifestFile))?.streams ?? [] : [];
    const all = recipes.streams.flatMap((r) => {
      const s = streams.find((x) => x.name === r.name) ?? previous.find((x) => x.name === r.name);
      return s ? [s] : [];
    });
    for (const s of all) {
      suite.test_vectors.push({ name: s.name, input_file: s.file, output_format: s.output_format ?? recipes.output_format, result: s.result, frames: s.frames });
    }
    const manifest: BuildManifest = { generator_version: GENERATOR_VERSION, recipes_sha256: recipesSha, tools, output_format: recipes.output_format, streams: all };
    await writeFile(suiteFile, JSON.stringify(suite, null, 2) + '\n');
    await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    if (!opts.only) await writeFile(stampFile, stamp + '\n');
    else await rm(stampFile, { force: true });

    if (opts.updateManifest) {
      const next: CommittedManifest = {
        $comment: 'What corpora/<codec>/recipes.json produce (written by `vareq corpora build --update-manifest`). Streams themselves are generated into build/corpora/, never committed.',
        ...(committed ?? {}),
      };
      next[codec] = { recipes_sha256: recipesSha, tools, streams: all.map(record) };
      const tmp = committedManifestPath() + '.tmp';
      await writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
      await rename(tmp, committedManifestPath());
      return { outDir, suiteFile, skipped: false, streams: all.map(record), differences: [] };
    }
  }
  return { outDir, suiteFile, skipped: false, streams: streams.map(record), differences };
}

