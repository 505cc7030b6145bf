import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { clientEnv, driverLibrary, parseDevice, preloadLibrary } from '../src/driver.js';
import { EnvironmentError, UsageError } from '../src/errors.js';
import { buildDir } from '../src/paths.js';
import type { ProbeResult } from '../src/probe.js';
import { runCli } from './helpers/cli.js';

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

test('--device sim / sim:<profile> / kernel / /dev/mediaN map to the driver and simdev variables', (t) => {
  t.deepEqual(parseDevice('sim', undefined), { kind: 'sim', label: 'sim', env: { VAREQ_DEVICE: 'sim' } });
  t.deepEqual(parseDevice('sim:rkvdec', undefined), { kind: 'sim', label: 'sim:rkvdec', env: { VAREQ_DEVICE: 'sim', VAREQ_SIM_PROFILE: 'rkvdec' } });
  t.deepEqual(parseDevice('sim:hantro+reset-on-free', undefined).env, { VAREQ_DEVICE: 'sim', VAREQ_SIM_PROFILE: 'hantro+reset-on-free' });
  t.deepEqual(parseDevice('kernel', 'sim'), { kind: 'kernel', label: 'kernel', env: { VAREQ_DEVICE: 'kernel' } });
  // /dev/null stands in for an existing node only through the pattern check: it must be /dev/mediaN
  t.throws(() => parseDevice('/dev/null', undefined), { instanceOf: UsageError });
  const media = ['/dev/media0', '/dev/media1'].find((m) => existsSync(m));
  if (media) t.deepEqual(parseDevice(media, undefined).env, { VAREQ_DEVICE: 'kernel', LIBVA_V4L2_REQUEST_MEDIA_PATH: media });
  t.throws(() => parseDevice('/dev/media987', undefined), { instanceOf: EnvironmentError, message: /no such media node/ });
});

test('--device auto: the kernel\'s decoders when media nodes exist, simdev otherwise; no --device: VAREQ_DEVICE', (t) => {
  t.is(parseDevice('auto', undefined, () => []).kind, 'sim');
  t.deepEqual(parseDevice('auto', undefined, () => ['/dev/media0']), { kind: 'kernel', label: 'kernel', env: { VAREQ_DEVICE: 'kernel' } });
  t.deepEqual(parseDevice(undefined, undefined), { kind: 'sim', label: 'sim', env: {} });
  t.is(parseDevice(undefined, 'kernel').kind, 'kernel');
});

test('--device: bad values are usage errors naming what is accepted', (t) => {
  for (const bad of ['', 'simdev', 'sim:', 'sim:nosuchprofile', 'sim:rkvdec+bogus', 'media0', '/dev/video0', 'SIM']) {
    const e = t.throws(() => parseDevice(bad, undefined), { instanceOf: UsageError }, bad);
    t.regex(e?.message ?? '', /^--device /, bad);
  }
});

test('the device variables reach the client, and --env still overrides them', (t) => {
  const setup = { buildDir: '/b', device: 'sim' as const, deviceEnv: { VAREQ_DEVICE: 'sim', VAREQ_SIM_PROFILE: 'cedrus' }, extraEnv: {} };
  const env = clientEnv(setup, '/tmp/s.json', { VAREQ_SIM_PROFILE: 'generic', PATH: '/bin' });
  t.is(env['VAREQ_SIM_PROFILE'], 'cedrus');
  t.is(env['VAREQ_DEVICE'], 'sim');
  t.is(clientEnv({ ...setup, extraEnv: { VAREQ_SIM_PROFILE: 'hantro' } }, '/tmp/s.json', {})['VAREQ_SIM_PROFILE'], 'hantro');
});

test('conform/bench/probe --device with a bad value: one line on stderr, exit 2; a missing media node: exit 3', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vareq-dev-'));
  const suite = path.join(dir, 's.json');
  writeFileSync(suite, JSON.stringify({ name: 's', codec: 'VP9', test_vectors: [] }));
  for (const args of [['conform', '--suite', suite, '--device', 'sim:nosuch'], ['bench', '--device', 'gpu0'], ['probe', '--device', 'kernel:x']]) {
    const r = await runCli(args);
    t.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
    t.is(lines(r.stderr).length, 1, r.stderr);
    t.regex(r.stderr, /^vareq: --device /);
  }
  const r = await runCli(['conform', '--suite', suite, '--device', '/dev/media987']);
  t.is(r.exitCode, 3, r.stderr);
  t.regex(r.stderr, /no such media node/);
});

test('probe --device sim:rkvdec and sim:hantro select simdev\'s device profile', async (t) => {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir())]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const rk = await runCli(['probe', '--json', '--device', 'sim:rkvdec']);
  t.is(rk.exitCode, 0, rk.stderr);
  const p = JSON.parse(rk.stdout) as ProbeResult;
  t.is(p.devices[0]?.driver, 'rkvdec');
  t.false(p.devices[0]?.output_formats.some((f) => f.fourcc === 'VP8F'), 'rkvdec has no VP8');
  const ha = JSON.parse((await runCli(['probe', '--json', '--device', 'sim:hantro'])).stdout) as ProbeResult;
  t.not(ha.devices[0]?.driver, 'rkvdec');
  t.not(ha.devices[0]?.driver, 'vareq-simdev');
});
