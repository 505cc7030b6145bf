/** The environment that makes a client load vareq's driver (and, on simdev, the fake render node). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, UsageError } from './errors.js';

export type DeviceKind = 'sim' | 'kernel';

export interface DriverSetup {
  buildDir: string;
  device: DeviceKind;
  /** Extra variables (--env KEY=VAL), applied last. */
  extraEnv: Record<string, string>;
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
  if (setup.device === 'sim') {
    const pre = preloadLibrary(setup.buildDir);
    env['LD_PRELOAD'] = env['LD_PRELOAD'] ? `${pre}:${env['LD_PRELOAD']}` : pre;
  }
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
