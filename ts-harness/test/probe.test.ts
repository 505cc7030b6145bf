import { existsSync } from 'node:fs';
import test from 'ava';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir } from '../src/paths.js';
import { parseControls, parseFormats, parseInfo, parseMediaCtl, parseVainfo, type ProbeResult } from '../src/probe.js';
import { runCli } from './helpers/cli.js';

test('probe parses v4l2-ctl formats, info and menu controls', (t) => {
  t.deepEqual(parseFormats("ioctl: VIDIOC_ENUM_FMT\n\tType: Video Capture Multiplanar\n\n\t[0]: 'NV12' (Y/UV 4:2:0)\n\t[1]: 'NM12' (Y/UV 4:2:0 (N-C))\n"),
    [{ fourcc: 'NV12', description: 'Y/UV 4:2:0' }, { fourcc: 'NM12', description: 'Y/UV 4:2:0 (N-C)' }]);
  t.deepEqual(parseInfo('Driver Info:\n\tDriver name      : rkvdec\n\tCard type        : rkvdec\n\tBus info         : platform:rkvdec\n'),
    { driver: 'rkvdec', card: 'rkvdec', bus_info: 'platform:rkvdec' });
  const c = parseControls('               h264_decode_mode 0x00a40900 (menu)   : min=0 max=1 default=1 value=1 (Frame-Based)\n\t\t\t\t0: Slice-Based\n\t\t\t\t1: Frame-Based\n    h264_sequence_parameter_set 0x00a40902 (h264-sps): value=unsupported payload type flags=has-payload\n');
  t.deepEqual(c, { menus: { h264_decode_mode: ['Slice-Based', 'Frame-Based'] }, controls: ['h264_sequence_parameter_set'] });
});

test('probe parses vainfo profiles and media-ctl topology', (t) => {
  const v = parseVainfo('vainfo: VA-API version: 1.17 (libva 2.12.0)\nvainfo: Driver version: vareq 0.1\nvainfo: Supported profile and entrypoints\n      VAProfileVP9Profile0            :\tVAEntrypointVLD\n      VAProfileH264Main               :\tVAEntrypointVLD\n');
  t.deepEqual(v, { driver: 'vareq 0.1', version: '1.17', profiles: [{ profile: 'VAProfileVP9Profile0', entrypoints: ['VAEntrypointVLD'] }, { profile: 'VAProfileH264Main', entrypoints: ['VAEntrypointVLD'] }] });
  const m = parseMediaCtl('driver          hantro-vpu\nbus info        platform:hantro\n\n- entity 1: rockchip,rk3399-vpu-dec-source (1 pad, 1 link)\n            device node name /dev/video1\n- entity 5: rockchip,rk3399-vpu-dec-proc (2 pads, 2 links)\n');
  t.is(m.driver, 'hantro-vpu');
  t.deepEqual(m.videoNodes, ['/dev/video1']);
  t.deepEqual(m.entities, ['rockchip,rk3399-vpu-dec-source', 'rockchip,rk3399-vpu-dec-proc']);
});

test('probe --json on simdev: the decoder, its formats per device profile, and the VA profiles the driver advertises', async (t) => {
  for (const f of [driverLibrary(buildDir()), preloadLibrary(buildDir())]) if (!existsSync(f)) return t.fail(`${f} is missing: run scripts/setup.sh`);
  const r = await runCli(['probe', '--json']);
  t.is(r.exitCode, 0, r.stderr);
  const p = JSON.parse(r.stdout) as ProbeResult;
  t.is(p.devices.length, 1);
  const d = p.devices[0];
  t.is(d?.video, '/dev/video0');
  t.is(d?.media, '/dev/media0');
  t.is(d?.driver, 'vareq-simdev');
  t.true(d?.output_formats.some((f) => f.fourcc === 'VP9F' && f.capture_formats.some((c) => c.fourcc === 'NV12')));
  t.true(p.va?.profiles.some((x) => x.profile === 'VAProfileVP9Profile0' && x.entrypoints.includes('VAEntrypointVLD')));
  const rk = JSON.parse((await runCli(['probe', '--json', '--env', 'VAREQ_SIM_PROFILE=rkvdec'])).stdout) as ProbeResult;
  t.is(rk.devices[0]?.driver, 'rkvdec');
  t.false(rk.devices[0]?.output_formats.some((f) => f.fourcc === 'VP8F'), 'rkvdec has no VP8');
});
