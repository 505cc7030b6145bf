#!/usr/bin/env node
/** The `vareq` command. Exit codes: 0 ok, 1 failures, 2 usage error, 3 environment error. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { buildCorpus } from './corpora/generate.js';
import { CONFORM_CLIENTS, conform, plainSuites, type ConformClient, type SuiteSpec } from './conform.js';
import { loadSet } from './confset.js';
import { SIM_PROFILES, SIM_PROFILE_OPTIONS, checkDriverBuilt, parseDevice, parseEnvPairs } from './driver.js';
import { EXIT, EnvironmentError, UsageError, errorMessage } from './errors.js';
import { buildDir, cacheDir, vectorsDir } from './paths.js';
import { probe, renderProbe } from './probe.js';
import { BENCH_CLIENTS, BENCH_CODECS, bench, type BenchClient } from './bench.js';
import { renderBench } from './report/benchtable.js';
import { BENCH_SCHEMA_ID, validateBench, type BenchFile } from './report/benchschema.js';
import { buildReport, writeReport } from './report/document.js';
import { readResult, toResult, writeJsonReport } from './report/json.js';
import { writeJunit } from './report/junit.js';
import { PASS_ROWS_UP_TO, renderTable } from './report/table.js';
import type { VectorReport } from './report/types.js';

/** --device of conform, probe and bench (parseDevice in driver.ts). */
const DEVICE_HELP = `sim | sim:<profile> (${SIM_PROFILES.join(', ')}; ${SIM_PROFILE_OPTIONS.map((o) => `+${o}`).join(', ')}) | kernel | auto (kernel if /dev/media* exist, else sim) | /dev/mediaN`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function positiveInt(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

interface ConformFlags {
  suite: string[];
  set?: string;
  only: string[];
  preload: string[];
  json?: string;
  junit?: string;
  keepOutput?: string;
  cacheDir?: string;
  client: ConformClient;
  mpv: string;
  filter?: string;
  timeout: number;
  jobs: number;
  env: string[];
  buildDir?: string;
  device?: string;
  hwaccelDevice: string;
  ffmpeg: string;
  progress: boolean;
  verbose: boolean;
  color: boolean;
  allRows: boolean;
}

interface CorporaFlags {
  codec: string;
  force: boolean;
  check: boolean;
  only?: string;
  jobs: number;
  updateManifest: boolean;
  quiet: boolean;
}

interface ReportFlags {
  out: string;
  ffmpeg: string;
  hwaccelDevice: string;
  timeout: number;
  maxPictures: number;
  jobs: number;
}

let exitCode: number = EXIT.ok;

interface BenchFlags {
  json?: string;
  device?: string;
  frames: number;
  shortFrames: number;
  client: string[];
  codec: string[];
  runs: number;
  buildDir?: string;
  ffmpeg: string;
  hwaccelDevice: string;
  timeout: number;
  env: string[];
}

async function runBench(flags: BenchFlags): Promise<void> {
  const extraEnv = parseEnvPairs(flags.env);
  const choice = parseDevice(flags.device, extraEnv['VAREQ_DEVICE'] ?? process.env['VAREQ_DEVICE']);
  const device = choice.label;
  const bDir = flags.buildDir ? path.resolve(flags.buildDir) : buildDir();
  const setup = { buildDir: bDir, device: choice.kind, deviceEnv: choice.env, extraEnv };
  checkDriverBuilt(setup);
  const clients = flags.client.length ? flags.client : [...BENCH_CLIENTS];
  for (const c of clients) if (!(BENCH_CLIENTS as readonly string[]).includes(c)) throw new UsageError(`--client ${c}: expected one of ${BENCH_CLIENTS.join(', ')}`);
  const codecs = flags.codec.map((c) => c.toUpperCase().replace('.', ''));
  for (const c of codecs) if (!(BENCH_CODECS as readonly string[]).includes(c)) throw new UsageError(`--codec ${c}: expected ${BENCH_CODECS.join(', ')}`);
  if (flags.shortFrames >= flags.frames) throw new UsageError(`--short-frames ${flags.shortFrames} must be less than --frames ${flags.frames}`);
  const r = await bench({ driver: setup, ffmpeg: flags.ffmpeg, hwaccelDevice: flags.hwaccelDevice, streamsDir: path.join(bDir, 'bench'), frames: flags.frames,
    shortFrames: flags.shortFrames, clients: clients as BenchClient[], ...(codecs.length ? { codecs } : {}),
    runs: flags.runs, timeoutMs: flags.timeout * 1000, log: (l) => void process.stderr.write(l + '\n') });
  process.stdout.write(renderBench(r.rows, r.skipped) + '\n');
  if (flags.json) {
    await mkdir(path.dirname(path.resolve(flags.json)), { recursive: true });
    const file: BenchFile = { schema: BENCH_SCHEMA_ID, tool: 'vareq bench', created: new Date().toISOString(), device, frames: flags.frames, short_frames: flags.shortFrames,
      runs: flags.runs, rows: r.rows, skipped: r.skipped };
    const text = JSON.stringify(file, null, 2) + '\n';
    // what is written must be what docs/harness.md documents (NaN ratios become null)
    const problem = validateBench(JSON.parse(text));
    if (problem) throw new Error(`bench JSON does not match its schema: ${problem}`);
    await writeFile(flags.json, text);
  }
  // A client the environment cannot run is reported, not failed; a decode that did not go through the driver fails.
  if (r.rows.some((x) => x.unavailable === null && !x.through_driver)) exitCode = EXIT.failures;
}

interface ProbeFlags {
  json: boolean;
  device?: string;
  buildDir?: string;
  hwaccelDevice: string;
  env: string[];
}

async function runProbe(flags: ProbeFlags): Promise<void> {
  const extraEnv = parseEnvPairs(flags.env);
  const choice = parseDevice(flags.device, extraEnv['VAREQ_DEVICE'] ?? process.env['VAREQ_DEVICE']);
  const setup = { buildDir: flags.buildDir ? path.resolve(flags.buildDir) : buildDir(), device: choice.kind, deviceEnv: choice.env, extraEnv };
  checkDriverBuilt(setup);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vareq-probe-'));
  try {
    const r = await probe(setup, path.join(dir, 'stats.json'), flags.hwaccelDevice);
    process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : renderProbe(r) + '\n');
    if (r.devices.length === 0 || r.va === null) exitCode = EXIT.environment;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runReport(files: string[], flags: ReportFlags): Promise<void> {
  const results = [];
  for (const f of files) results.push(await readResult(f));
  const out = await buildReport(results, files, { ffmpeg: flags.ffmpeg, hwaccelDevice: flags.hwaccelDevice, timeoutMs: flags.timeout * 1000, jobs: flags.jobs, maxPictures: flags.maxPictures });
  const written = await writeReport(out, path.resolve(flags.out));
  for (const p of out.pictures) for (const pr of p.problems) process.stderr.write(`warning: ${p.suite}/${p.name}: ${pr}\n`);
  process.stdout.write(`${written.html}\n${written.markdown}\n`);
}

async function runConform(flags: ConformFlags): Promise<void> {
  const extraEnv = parseEnvPairs(flags.env);
  const choice = parseDevice(flags.device, extraEnv['VAREQ_DEVICE'] ?? process.env['VAREQ_DEVICE']);
  const bDir = flags.buildDir ? path.resolve(flags.buildDir) : buildDir();
  const interactive = flags.progress && process.stderr.isTTY === true;
  const set = flags.set ? loadSet(flags.set) : null;
  if (flags.only.length > 0 && !set) throw new UsageError('--only needs --set');
  for (const o of flags.only) {
    if (set && !set.suites.some((s) => s.suite === o)) throw new UsageError(`--only ${o}: the set ${set.file} has no suite ${o} (it has ${set.suites.map((s) => s.suite).join(', ')})`);
  }
  const setSuites = set ? set.suites.filter((s) => flags.only.length === 0 || flags.only.includes(s.suite)) : [];
  const specs: SuiteSpec[] = [
    ...setSuites.map((s): SuiteSpec => ({ arg: s.suite, enabled: s.enabled, note: s.note, expected: s.expected })),
    ...plainSuites(flags.suite).map((s) => (set ? { ...s, expected: {} } : s)),
  ];
  if (specs.length === 0) throw new UsageError('no suite given: --suite <file.json> or --set <file.json>');
  let bar: cliProgress.SingleBar | undefined;
  const started = Date.now();
  const report = await conform({
    suites: specs,
    filter: flags.filter,
    timeoutSeconds: flags.timeout,
    jobs: flags.jobs,
    driver: { buildDir: bDir, device: choice.kind, deviceEnv: choice.env, extraEnv, preload: flags.preload.map((p) => path.resolve(p)) },
    ffmpeg: flags.ffmpeg,
    client: flags.client,
    mpv: flags.mpv,
    hwaccelDevice: flags.hwaccelDevice,
    cacheDir: flags.cacheDir ? path.resolve(flags.cacheDir) : flags.buildDir ? path.join(bDir, 'cache') : cacheDir(),
    verbose: flags.verbose,
    keepOutputDir: flags.keepOutput,
    onStart: (total) => {
      if (interactive) {
        bar = new cliProgress.SingleBar({ format: 'conform [{bar}] {value}/{total} ETA {eta_formatted} {vector}', stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, { vector: '' });
      }
    },
    onVector: (r: VectorReport, done, total) => {
      if (bar) bar.update(done, { vector: `${r.name}: ${r.verdict}` });
      else if (flags.progress) process.stderr.write(`[${done}/${total}] ${r.suite}/${r.name}: ${r.verdict} (${(r.duration_ms / 1000).toFixed(1)} s)\n`);
    },
  });
  bar?.stop();
  const suitesRun = report.suites.filter((s) => s.enabled).length;
  process.stdout.write(renderTable(report, { color: flags.color && process.stdout.isTTY === true, showSuite: suitesRun > 1, ...(flags.allRows ? { passRows: true } : {}) }) + '\n');
  if (flags.json) {
    await writeJsonReport(flags.json, toResult(report, { device: choice.kind, build_dir: bDir, env: { ...choice.env, ...extraEnv }, set: set ? { name: set.name, file: set.file } : null, duration_ms: Date.now() - started }));
  }
  if (flags.junit) await writeJunit(flags.junit, report);
  const failed = report.expectations ? !report.expectations.held : report.summary.fail + report.summary.error > 0;
  exitCode = failed ? EXIT.failures : EXIT.ok;
}

async function runCorporaBuild(flags: CorporaFlags): Promise<void> {
  const log = flags.quiet ? undefined : (line: string): void => void process.stderr.write(line + '\n');
  if (!flags.quiet) process.stderr.write(`corpora ${flags.codec}: ${flags.check ? 'checking that regeneration gives the same bytes' : 'building'}\n`);
  const r = await buildCorpus({ codec: flags.codec, force: flags.force, check: flags.check, ...(flags.only ? { only: flags.only } : {}),
    jobs: flags.jobs, updateManifest: flags.updateManifest, ...(log ? { log } : {}) });
  if (r.skipped) {
    if (!flags.quiet) process.stderr.write(`corpora ${flags.codec}: up to date (${r.suiteFile})\n`);
  } else if (!flags.check) {
    process.stderr.write(`corpora ${flags.codec}: ${r.streams.length} streams, suite ${r.suiteFile}\n`);
  }
  for (const d of r.differences) process.stderr.write(`${flags.check ? 'DIFFERENT' : 'warning'}: ${d}\n`);
  if (flags.check) {
    process.stderr.write(r.differences.length === 0 ? `corpora ${flags.codec}: regenerated ${r.streams.length} streams, identical bytes\n` : '');
    if (r.differences.length > 0) exitCode = EXIT.failures;
  }
}

export function buildProgram(): Command {
  const program = new Command('vareq')
    .description('conformance harness for the vareq VA-API driver (V4L2 stateless decoders)')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.split('\n')[0] + '\n'),
    });
  program.addHelpText('after', `
Exit codes: 0 ok, 1 failures, 2 usage error, 3 environment error.
Official vectors: ${vectorsDir()} (VAREQ_VECTORS); use --suite vectors:NAME for <vectors>/suites/NAME.json.`);

  program
    .command('conform')
    .description('decode every vector of the suites through ffmpeg + the driver and compare with references')
    .option('-s, --suite <file.json>', 'fluster-style suite file (repeatable; vectors:NAME = official suite, corpus:CODEC = generated corpus)', collect, [])
    .option('--set <file.json>', 'conformance set: suites plus their known non-passes (e.g. conformance/sets/default.json)')
    .option('--json <out>', 'write the JSON result (schema in docs/harness.md) to this file')
    .option('--junit <out>', 'write JUnit XML (one testcase per vector, classname = suite) to this file')
    .option('--keep-output <dir>', 'keep each vector\'s raw hardware output and per-frame MD5s in this directory')
    .option('--only <suite>', 'with --set: run only this suite of the set, as the set names it (repeatable), e.g. vectors:AV1', collect, [])
    .option('--filter <glob>', 'only vectors whose name (or input_file, as the suite gives it) matches this glob')
    .option('--preload <lib>', 'load this library into the client first (repeatable; LD_PRELOAD before the simdev preload), e.g. the sanitizer runtimes for an ASan+UBSan build', collect, [])
    .option('--timeout <s>', 'per-vector timeout in seconds', positiveNumber, 120)
    .option('-j, --jobs <n>', 'vectors decoded in parallel', positiveInt, Math.min(2, os.availableParallelism()))
    .option('-e, --env <KEY=VAL>', 'extra environment for the client (repeatable), e.g. VAREQ_SIM_FAULTS=...', collect, [])
    .option('--build-dir <dir>', 'meson build directory holding the driver (default: <repo>/build or VAREQ_BUILD_DIR)')
    .option('--cache-dir <dir>', 'software reference cache (default: <build>/cache)')
    .option('--device <dev>', DEVICE_HELP)
    .option('--hwaccel-device <node>', 'DRM render node given to ffmpeg', '/dev/dri/renderD128')
    .option('--ffmpeg <path>', 'ffmpeg binary (client and software reference)', 'ffmpeg')
    .addOption(new Option('--client <name>', 'client that decodes through the driver: ffmpeg (copy-back), ffmpeg-export (DRM PRIME export, frames read from the dma-buf), mpv').choices([...CONFORM_CLIENTS]).default('ffmpeg'))
    .option('--mpv <path>', 'mpv binary (--client mpv)', 'mpv')
    .option('--no-progress', 'no progress output on stderr')
    .option('--no-color', 'no colours in the table')
    .option('--all-rows', `list passing vectors in the table also when a run has more than ${PASS_ROWS_UP_TO} vectors`, false)
    .option('-v, --verbose', 'keep ffmpeg command lines and stderr for every vector in the JSON report', false)
    .action(async (flags: ConformFlags) => {
      await runConform(flags);
    });

  program
    .command('probe')
    .description('V4L2 decoders (media/video nodes, driver), OUTPUT formats with their CAPTURE formats, and the VA profiles the driver advertises')
    .option('--json', 'print JSON', false)
    .option('--device <dev>', DEVICE_HELP)
    .option('--build-dir <dir>', 'meson build directory holding the driver')
    .option('--hwaccel-device <node>', 'DRM render node for vainfo', '/dev/dri/renderD128')
    .option('-e, --env <KEY=VAL>', 'extra environment (repeatable), e.g. VAREQ_SIM_PROFILE=rkvdec', collect, [])
    .action(async (flags: ProbeFlags) => {
      await runProbe(flags);
    });

  program
    .command('bench')
    .description('1080p VP9/H.264/AV1 streams: decode through the driver on simdev vs the software decoder alone (CPU, wall, peak RSS, driver counters)')
    .option('--json <out>', 'write the rows as JSON')
    .option('--frames <n>', 'frames per generated stream (the long run)', positiveInt, 2000)
    .option('--short-frames <n>', 'frames of the short run (peak RSS/fds and the steady-state ioctl baseline)', positiveInt, 200)
    .option('--client <name>', `client (repeatable): ${BENCH_CLIENTS.join(', ')}; default all`, collect, [])
    .option('--codec <name>', `codec (repeatable): ${BENCH_CODECS.join(', ')}; default all`, collect, [])
    .option('--runs <n>', 'runs per side (the least CPU time is kept)', positiveInt, 1)
    .option('--build-dir <dir>', 'meson build directory holding the driver (streams are cached in <build>/bench)')
    .option('--device <dev>', DEVICE_HELP)
    .option('--ffmpeg <path>', 'ffmpeg binary', 'ffmpeg')
    .option('--hwaccel-device <node>', 'DRM render node given to ffmpeg', '/dev/dri/renderD128')
    .option('--timeout <s>', 'per-decode timeout in seconds', positiveNumber, 600)
    .option('-e, --env <KEY=VAL>', 'extra environment for the hardware path (repeatable)', collect, [])
    .action(async (flags: BenchFlags) => {
      await runBench(flags);
    });

  program
    .command('report')
    .description('Markdown + self-contained HTML report from conform JSON results, with pictures of each failure\'s first mismatching frame')
    .argument('<result.json...>', 'results written by vareq conform --json')
    .requiredOption('-o, --out <dir>', 'output directory (report.html, report.md, img/)')
    .option('--ffmpeg <path>', 'ffmpeg binary (re-decodes the mismatching frames)', 'ffmpeg')
    .option('--hwaccel-device <node>', 'DRM render node given to ffmpeg', '/dev/dri/renderD128')
    .option('--timeout <s>', 'per-decode timeout in seconds', positiveNumber, 120)
    .option('--max-pictures <n>', 'pictures for at most this many failures', positiveInt, 50)
    .option('-j, --jobs <n>', 'failures decoded in parallel', positiveInt, Math.min(2, os.availableParallelism()))
    .action(async (files: string[], flags: ReportFlags) => {
      await runReport(files, flags);
    });

  const corpora = program.command('corpora').description('generated stream corpora (corpora/<codec>/recipes.json → build/corpora/<codec>/)');
  corpora
    .command('build')
    .description('generate the streams, suite.json and manifest.json (skips when up to date)')
    .option('--codec <codec>', 'corpus to build', 'vp9')
    .option('--force', 'regenerate even when up to date', false)
    .option('--check', 'regenerate into a temporary directory and compare the bytes with the existing build', false)
    .option('--only <glob>', 'only the streams whose name matches')
    .option('-j, --jobs <n>', 'streams encoded in parallel', positiveInt, os.availableParallelism())
    .option('--update-manifest', 'record the results in the committed corpora/manifest.json', false)
    .option('-q, --quiet', 'print nothing when up to date', false)
    .action(async (flags: CorporaFlags) => {
      await runCorporaBuild(flags);
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  exitCode = EXIT.ok;
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      if (err.code === 'commander.executeSubCommandAsync') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vareq: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof EnvironmentError) {
      process.stderr.write(`vareq: ${err.message}\n`);
      return EXIT.environment;
    }
    process.stderr.write(`vareq: ${errorMessage(err)}\n`);
    return EXIT.failures;
  }
}

process.exitCode = await main(process.argv.slice(2));
