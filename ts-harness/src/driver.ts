/** The environment that makes a client load vareq's driver (and, on simdev, the fake render node). */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, UsageError } from './errors.js';

export type DeviceKind = 'sim' | 'kernel';

export interface DriverSetup {
  buildDir: string;
  device: DeviceKind;
  /** Variables that select the device (from --device), applied before extraEnv. */
  deviceEnv?: Record<string, string>;
  /** Extra variables (--env KEY=VAL), applied last. */
  extraEnv: Record<string, string>;
  /**
   * Libraries loaded into the client before anything else (--preload), e.g. the sanitizer
   * runtimes when the driver and simdev are an ASan+UBSan build: they must come first in LD_PRELOAD.
   */
  preload?: string[];
}

export const DRIVER_NAME = 'v4l2_request';

export function driverLibrary(buildDir: string): string {
  return path.join(buildDir, 'backend', `${DRIVER_NAME}_drv_video.so`);
}

export function preloadLibrary(buildDir: string): string {
  return path.join(buildDir, 'simdev', 'preload', 'libvareq-preload.so');
}

export function deviceKind(raw: string | undefined): DeviceKind {
  if (raw === undefined || raw === '' || raw === 'sim') return 'sim';
  if (raw === 'kernel') return 'kernel';
  throw new EnvironmentError(`VAREQ_DEVICE=${raw}: expected sim or kernel`);
}

/** simdev's device profiles (simdev/core/profile.c, docs/simdev.md) and their options. */
export const SIM_PROFILES = ['generic', 'rkvdec', 'hantro', 'cedrus'] as const;
export const SIM_PROFILE_OPTIONS = ['reset-on-free', 'slice-based'] as const;

export interface DeviceChoice {
  kind: DeviceKind;
  /** What was chosen, for reports: "sim", "sim:rkvdec", "kernel", "/dev/media1". */
  label: string;
  env: Record<string, string>;
}

/** Media nodes present on this machine (/dev/mediaN). */
export function kernelMediaNodes(devDir = '/dev'): string[] {
  try {
    return readdirSync(devDir).filter((f) => /^media\d+$/.test(f)).map((f) => path.join(devDir, f)).sort();
  } catch {
    return [];
  }
}

/**
 * --device: sim | sim:<profile>[+reset-on-free][+slice-based] | kernel | auto | /dev/mediaN. A malformed value is a
 * UsageError (exit 2); a media node that does not exist is an EnvironmentError (exit 3). Without
 * --device, VAREQ_DEVICE (sim or kernel) decides, sim by default. auto = the kernel's decoders when
 * the machine has media nodes, simdev otherwise.
 */
export function parseDevice(raw: string | undefined, fallback: string | undefined, mediaNodes: () => string[] = kernelMediaNodes): DeviceChoice {
  if (raw === undefined) {
    const kind = deviceKind(fallback);
    return { kind, label: kind, env: {} };
  }
  if (raw === 'sim') return { kind: 'sim', label: 'sim', env: { VAREQ_DEVICE: 'sim' } };
  if (raw === 'kernel') return { kind: 'kernel', label: 'kernel', env: { VAREQ_DEVICE: 'kernel' } };
  if (raw === 'auto') {
    const nodes = mediaNodes();
    return nodes.length > 0
      ? { kind: 'kernel', label: 'kernel', env: { VAREQ_DEVICE: 'kernel' } }
      : { kind: 'sim', label: 'sim', env: { VAREQ_DEVICE: 'sim' } };
  }
  const sim = /^sim:([a-z0-9-]+)((?:\+[a-z-]+)*)$/.exec(raw);
  if (sim) {
    const [, profile = '', optionText = ''] = sim;
    if (!(SIM_PROFILES as readonly string[]).includes(profile)) {
      throw new UsageError(`--device ${raw}: unknown simdev profile "${profile}" (expected one of ${SIM_PROFILES.join(', ')})`);
    }
    const options = optionText.split('+').filter((o) => o !== '');
    for (const option of options) {
      if (!(SIM_PROFILE_OPTIONS as readonly string[]).includes(option)) {
        throw new UsageError(`--device ${raw}: unknown profile option "${option}" (expected ${SIM_PROFILE_OPTIONS.join(', ')})`);
      }
    }
    return { kind: 'sim', label: raw, env: { VAREQ_DEVICE: 'sim', VAREQ_SIM_PROFILE: [profile, ...options].join('+') } };
  }
  if (/^\/dev\/media\d+$/.test(raw)) {
    if (!existsSync(raw)) throw new EnvironmentError(`--device ${raw}: no such media node`);
    return { kind: 'kernel', label: raw, env: { VAREQ_DEVICE: 'kernel', LIBVA_V4L2_REQUEST_MEDIA_PATH: raw } };
  }
  throw new UsageError(`--device ${raw}: expected sim, sim:<profile> (${SIM_PROFILES.join(', ')}), kernel, auto or /dev/mediaN`);
}

/** Throws EnvironmentError when the driver (and for simdev the preload library) is not built. */
export function checkDriverBuilt(setup: DriverSetup): void {
  const drv = driverLibrary(setup.buildDir);
  if (!existsSync(drv)) throw new EnvironmentError(`driver not built: ${drv} is missing (run scripts/setup.sh or meson compile -C build)`);
  if (setup.device === 'sim') {
    const pre = preloadLibrary(setup.buildDir);
    if (!existsSync(pre)) throw new EnvironmentError(`simdev preload library not built: ${pre} is missing (run scripts/setup.sh)`);
  }
}

/** Environment for one client run: inherited env, the driver variables, the stats file, then extraEnv. */
export function clientEnv(setup: DriverSetup, statsFile: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env['LIBVA_DRIVERS_PATH'] = path.dirname(driverLibrary(setup.buildDir));
  env['LIBVA_DRIVER_NAME'] = DRIVER_NAME;
  env['VAREQ_DEVICE'] = setup.device;
  env['VAREQ_STATS_FILE'] = statsFile;
  if (setup.deviceEnv) Object.assign(env, setup.deviceEnv);
  const preload = [...(setup.preload ?? []), ...(setup.device === 'sim' ? [preloadLibrary(setup.buildDir)] : [])];
  if (preload.length > 0) env['LD_PRELOAD'] = [...preload, ...(env['LD_PRELOAD'] ? [env['LD_PRELOAD']] : [])].join(':');
  Object.assign(env, setup.extraEnv);
  return env;
}

/** --env KEY=VAL pairs → object (the value may contain '='). */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${p}: expected KEY=VALUE`);
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return env;
}
