import { existsSync } from 'node:fs';
import test from 'ava';
import { driverLibrary, preloadLibrary } from '../src/driver.js';
import { buildDir } from '../src/paths.js';
import { vp9Capability, vp9Exclusion } from '../src/capability.js';
import { parseControls, parseFormats, parseFrameSizes, parseInfo, parseMediaCtl, parseVainfo, type ProbeResult } from '../src/probe.js';
import { runCli } from './helpers/cli.js';

test('probe parses v4l2-ctl formats, info and menu controls', (t) => {
  t.deepEqual(parseFormats("ioctl: VIDIOC_ENUM_FMT\n\tType: Video Capture Multiplanar\n\n\t[0]: 'NV12' (Y/UV 4:2:0)\n\t[1]: 'NM12' (Y/UV 4:2:0 (N-C))\n"),
    [{ fourcc: 'NV12', description: 'Y/UV 4:2:0' }, { fourcc: 'NM12', description: 'Y/UV 4:2:0 (N-C)' }]);
  t.deepEqual(parseInfo('Driver Info:\n\tDriver name      : rkvdec\n\tCard type        : rkvdec\n\tBus info         : platform:rkvdec\n'),
    { driver: 'rkvdec', card: 'rkvdec', bus_info: 'platform:rkvdec' });
  const c = parseControls('               h264_decode_mode 0x00a40900 (menu)   : min=0 max=1 default=1 value=1 (Frame-Based)\n\t\t\t\t0: Slice-Based\n\t\t\t\t1: Frame-Based\n    h264_sequence_parameter_set 0x00a40902 (h264-sps): value=unsupported payload type flags=has-payload\n');
  t.deepEqual(c, { menus: { h264_decode_mode: ['Slice-Based', 'Frame-Based'] }, controls: ['h264_sequence_parameter_set'] });
});

test('probe parses v4l2-ctl frame sizes (stepwise, continuous, discrete)', (t) => {
  t.deepEqual(parseFrameSizes('ioctl: VIDIOC_ENUM_FRAMESIZES\n\tSize: Stepwise 64x64 - 4096x2304 with step 64/64\n'),
    [{ min_width: 64, max_width: 4096, step_width: 64, min_height: 64, max_height: 2304, step_height: 64 }]);
  t.deepEqual(parseFrameSizes('\tSize: Continuous 16x16 - 8192x8192\n'),
    [{ min_width: 16, max_width: 8192, step_width: 1, min_height: 16, max_height: 8192, step_height: 1 }]);
  t.deepEqual(parseFrameSizes('\tSize: Discrete 1920x1080\n'),
    [{ min_width: 1920, max_width: 1920, step_width: 0, min_height: 1080, max_height: 1080, step_height: 0 }]);
  t.deepEqual(parseFrameSizes('VIDIOC_ENUM_FRAMESIZES: failed: Inappropriate ioctl for device\n'), []);
});

test('a stream is excluded by the VP9 profiles the driver advertises and by the decoder sizes', (t) => {
  const probe = (profiles: string[], sizes: string): ProbeResult => ({
    device: 'sim', problems: [],
    devices: [{ media: null, video: '/dev/video0', driver: 'x', card: 'x', bus_info: 'x', entities: [], menus: {}, controls: [],
      output_formats: [{ fourcc: 'VP9F', description: 'VP9 Frame', capture_formats: [], frame_sizes: parseFrameSizes(sizes) }] }],
    va: { driver: 'vareq', version: '1.17', profiles: profiles.map((profile) => ({ profile, entrypoints: ['VAEntrypointVLD'] })) },
  });
  const rk = vp9Capability(probe(['VAProfileVP9Profile0', 'VAProfileH264Main'], 'Size: Stepwise 64x64 - 4096x2304 with step 64/64'));
  t.deepEqual(rk.vaProfiles, ['VAProfileVP9Profile0']);
  t.is(vp9Exclusion(rk, { name: 'a', profile: 0, sizes: ['352x288', '64x64'] }), null);
  t.regex(vp9Exclusion(rk, { name: 'b', profile: 2, sizes: ['352x288'] }) ?? '', /VP9 profile 2 .*not advertised/);
  t.regex(vp9Exclusion(rk, { name: 'c', profile: 0, sizes: ['66x66', '63x65'] }) ?? '', /63x65 is outside .*64x64\.\.4096x2304/);
  t.regex(vp9Exclusion(rk, { name: 'd', profile: 0, sizes: ['4097x64'] }) ?? '', /4097x64/);
  const none = vp9Capability({ device: 'sim', problems: [], devices: [], va: null });
  t.regex(vp9Exclusion(none, { name: 'e', profile: 0, sizes: ['64x64'] }) ?? '', /no VP9 decoder/);
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
  t.true(d?.output_formats.every((f) => f.frame_sizes.length > 0 && f.frame_sizes.every((r) => r.min_width > 0 && r.max_width >= r.min_width)), 'frame sizes of every coded format');
  t.true(p.va?.profiles.some((x) => x.profile === 'VAProfileVP9Profile0' && x.entrypoints.includes('VAEntrypointVLD')));
  const rk = JSON.parse((await runCli(['probe', '--json', '--env', 'VAREQ_SIM_PROFILE=rkvdec'])).stdout) as ProbeResult;
  t.is(rk.devices[0]?.driver, 'rkvdec');
  t.false(rk.devices[0]?.output_formats.some((f) => f.fourcc === 'VP8F'), 'rkvdec has no VP8');
  const vp9 = vp9Capability(rk);
  t.true(vp9.frameSizes.length > 0 && vp9.frameSizes.every((r) => r.min_width > 1), 'rkvdec reports a VP9 minimum size');
  t.false(vp9.vaProfiles.includes('VAProfileVP9Profile2'), 'rkvdec is 8-bit only');
});
