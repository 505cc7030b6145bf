/**
 * `vareq probe`: the V4L2 stateless decoders (media node, video node, driver), their OUTPUT
 * (coded) formats with the CAPTURE formats each offers, codec menu controls, and the VA profiles
 * the driver advertises (vainfo through the driver). On simdev, v4l2-ctl / media-ctl / vainfo run
 * with the preload library (VAREQ_PRELOAD_V4L2=1 exposes /dev/video0 + /dev/media0, and the fake
 * render node stands in for a GPU).
 */
import { readdirSync } from 'node:fs';
import { execa } from 'execa';
import { clientEnv, type DriverSetup } from './driver.js';

export interface PixelFormat {
  fourcc: string;
  description: string;
}

/** One VIDIOC_ENUM_FRAMESIZES answer for a coded format (a discrete size has min == max, step 0). */
export interface FrameSizeRange {
  min_width: number;
  max_width: number;
  step_width: number;
  min_height: number;
  max_height: number;
  step_height: number;
}

export interface OutputFormat extends PixelFormat {
  capture_formats: PixelFormat[];
  /** The coded sizes the decoder accepts (VIDIOC_ENUM_FRAMESIZES); empty when it does not say. */
  frame_sizes: FrameSizeRange[];
}

export interface ProbedDevice {
  media: string | null;
  video: string;
  driver: string;
  card: string;
  bus_info: string;
  /** Media entities whose function is a video decoder (as media-ctl names them). */
  entities: string[];
  output_formats: OutputFormat[];
  /** Menu controls of the device (codec profiles/levels, decode and start-code modes). */
  menus: Record<string, string[]>;
  /** Other (compound) controls: the stateless codec controls. */
  controls: string[];
}

export interface VaProfile {
  profile: string;
  entrypoints: string[];
}

export interface ProbeResult {
  device: 'sim' | 'kernel';
  devices: ProbedDevice[];
  va: { driver: string; version: string; profiles: VaProfile[] } | null;
  problems: string[];
}

export function parseFormats(text: string): PixelFormat[] {
  const out: PixelFormat[] = [];
  for (const m of text.matchAll(/\[\d+\]: '(.{4})' \((.*)\)/g)) out.push({ fourcc: (m[1] ?? '').trim(), description: m[2] ?? '' });
  return out;
}

/** v4l2-ctl --list-framesizes=<fourcc>: "Size: Stepwise 64x64 - 4096x2304 with step 64/64", "Size: Discrete 16x16". */
export function parseFrameSizes(text: string): FrameSizeRange[] {
  const out: FrameSizeRange[] = [];
  for (const m of text.matchAll(/Size: (?:Stepwise|Continuous) (\d+)x(\d+) - (\d+)x(\d+)(?: with step (\d+)\/(\d+))?/g)) {
    out.push({ min_width: Number(m[1]), min_height: Number(m[2]), max_width: Number(m[3]), max_height: Number(m[4]),
      step_width: Number(m[5] ?? 1), step_height: Number(m[6] ?? 1) });
  }
  for (const m of text.matchAll(/Size: Discrete (\d+)x(\d+)/g)) {
    out.push({ min_width: Number(m[1]), max_width: Number(m[1]), step_width: 0, min_height: Number(m[2]), max_height: Number(m[2]), step_height: 0 });
  }
  return out;
}

export function parseInfo(text: string): { driver: string; card: string; bus_info: string } {
  const field = (name: string): string => new RegExp(`^\\s*${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return { driver: field('Driver name'), card: field('Card type'), bus_info: field('Bus info') };
}

/** v4l2-ctl --list-ctrls-menus: menu controls with their entries, and the other controls' names. */
export function parseControls(text: string): { menus: Record<string, string[]>; controls: string[] } {
  const menus: Record<string, string[]> = {};
  const controls: string[] = [];
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const ctrl = /^\s*(\w+) 0x[0-9a-f]+ \(([^)]*)\)/.exec(line);
    if (ctrl?.[1]) {
      current = ctrl[2] === 'menu' || ctrl[2] === 'intmenu' ? ctrl[1] : null;
      if (current) menus[current] = [];
      else controls.push(ctrl[1]);
      continue;
    }
    const entry = /^\s+\d+: (.*)$/.exec(line);
    if (entry?.[1] && current) menus[current]?.push(entry[1].trim());
  }
  return { menus, controls };
}

/** vainfo output: driver version line and "VAProfileX : VAEntrypointY" lines. */
export function parseVainfo(text: string): { driver: string; version: string; profiles: VaProfile[] } {
  const driver = /Driver version:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const version = /VA-API version:\s*([\d.]+)/.exec(text)?.[1] ?? '';
  const map = new Map<string, string[]>();
  for (const m of text.matchAll(/^\s*(VAProfile\w+)\s*:\s*(VAEntrypoint\w+)/gm)) {
    const p = m[1] ?? '';
    map.set(p, [...(map.get(p) ?? []), m[2] ?? '']);
  }
  return { driver, version, profiles: [...map].map(([profile, entrypoints]) => ({ profile, entrypoints })) };
}

/** media-ctl -p: driver, bus info, decoder entities and the device nodes it names. */
export function parseMediaCtl(text: string): { driver: string; bus_info: string; entities: string[]; videoNodes: string[] } {
  const driver = /^driver\s+(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const bus = /^bus info\s+(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const entities = [...text.matchAll(/^- entity \d+: (.*?) \(/gm)].map((m) => m[1] ?? '').filter((n) => /dec|proc/i.test(n));
  const videoNodes = [...text.matchAll(/device node name (\/dev\/video\d+)/g)].map((m) => m[1] ?? '');
  return { driver, bus_info: bus, entities, videoNodes };
}

async function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await execa(cmd, args, { env, extendEnv: false, reject: false, all: true, stdin: 'ignore', timeout: 30_000 });
    return { ok: r.exitCode === 0, out: r.all ?? '' };
  } catch (err) {
    return { ok: false, out: err instanceof Error ? err.message : String(err) };
  }
}

export async function probe(setup: DriverSetup, statsFile: string, hwaccelDevice = '/dev/dri/renderD128'): Promise<ProbeResult> {
  const env = clientEnv(setup, statsFile);
  if (setup.device === 'sim') env['VAREQ_PRELOAD_V4L2'] = '1';
  const problems: string[] = [];
  const medias = setup.device === 'sim' ? ['/dev/media0'] : readdirSync('/dev').filter((f) => /^media\d+$/.test(f)).map((f) => `/dev/${f}`);
  const videos = setup.device === 'sim' ? ['/dev/video0'] : readdirSync('/dev').filter((f) => /^video\d+$/.test(f)).map((f) => `/dev/${f}`);
  const mediaInfo = [];
  for (const m of medias) {
    const r = await run('media-ctl', ['-d', m, '-p'], env);
    if (r.ok) mediaInfo.push({ node: m, ...parseMediaCtl(r.out) });
    else problems.push(`media-ctl -d ${m}: ${r.out.split('\n')[0] ?? ''}`);
  }
  const devices: ProbedDevice[] = [];
  for (const video of videos) {
    const info = await run('v4l2-ctl', ['-d', video, '--info'], env);
    if (!info.ok) {
      problems.push(`v4l2-ctl -d ${video}: ${info.out.split('\n')[0] ?? ''}`);
      continue;
    }
    const outs = parseFormats((await run('v4l2-ctl', ['-d', video, '--list-formats-out'], env)).out);
    if (outs.length === 0) continue; // not a memory-to-memory decoder
    const output_formats: OutputFormat[] = [];
    for (const f of outs) {
      const cap = await run('v4l2-ctl', ['-d', video, `--set-fmt-video-out=pixelformat=${f.fourcc}`, '--list-formats'], env);
      const sizes = await run('v4l2-ctl', ['-d', video, `--list-framesizes=${f.fourcc}`], env);
      output_formats.push({ ...f, capture_formats: parseFormats(cap.out), frame_sizes: sizes.ok ? parseFrameSizes(sizes.out) : [] });
    }
    const ctrls = parseControls((await run('v4l2-ctl', ['-d', video, '--list-ctrls-menus'], env)).out);
    const i = parseInfo(info.out);
    const media = mediaInfo.find((m) => m.videoNodes.includes(video)) ?? mediaInfo.find((m) => m.bus_info !== '' && m.bus_info === i.bus_info) ?? null;
    devices.push({ media: media?.node ?? null, video, ...i, entities: media?.entities ?? [], output_formats, menus: ctrls.menus, controls: ctrls.controls });
  }
  let va: ProbeResult['va'] = null;
  const vainfo = await run('vainfo', ['--display', 'drm', '--device', hwaccelDevice], env);
  if (vainfo.ok) va = parseVainfo(vainfo.out);
  else problems.push(`vainfo through the driver failed: ${vainfo.out.split('\n').filter((l) => !l.startsWith('libva info')).slice(-2).join(' ')}`);
  return { device: setup.device, devices, va, problems };
}

export function renderProbe(r: ProbeResult): string {
  const lines: string[] = [`device kind: ${r.device}`];
  if (r.devices.length === 0) lines.push('no V4L2 decoder found');
  for (const d of r.devices) {
    lines.push(`decoder ${d.video} (media ${d.media ?? '?'}): driver ${d.driver}, card ${d.card}, bus ${d.bus_info}${d.entities.length ? `, entities ${d.entities.join(', ')}` : ''}`);
    for (const f of d.output_formats) {
      const sizes = f.frame_sizes.map((r) => (r.step_width === 0 ? `${r.min_width}x${r.min_height}` : `${r.min_width}x${r.min_height}–${r.max_width}x${r.max_height} step ${r.step_width}/${r.step_height}`));
      lines.push(`  OUTPUT ${f.fourcc} (${f.description}) → CAPTURE ${f.capture_formats.map((c) => c.fourcc).join(', ') || 'none'}${sizes.length ? `; sizes ${sizes.join(', ')}` : ''}`);
    }
    for (const [name, entries] of Object.entries(d.menus)) lines.push(`  menu ${name}: ${entries.join(', ')}`);
    if (d.controls.length) lines.push(`  controls: ${d.controls.join(', ')}`);
  }
  if (r.va) {
    lines.push(`VA driver: ${r.va.driver} (VA-API ${r.va.version})`);
    for (const p of r.va.profiles) lines.push(`  ${p.profile}: ${p.entrypoints.join(', ')}`);
  }
  for (const p of r.problems) lines.push(`problem: ${p}`);
  return lines.join('\n');
}

