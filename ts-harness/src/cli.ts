#!/usr/bin/env node
/** The `vareq` command. Exit codes: 0 ok, 1 failures, 2 usage error, 3 environment error. */
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { buildCorpus } from './corpora/generate.js';
import { conform } from './conform.js';
import { deviceKind, parseEnvPairs } from './driver.js';
import { EXIT, EnvironmentError, UsageError, errorMessage } from './errors.js';
import { buildDir, cacheDir, vectorsDir } from './paths.js';
import { writeJsonReport } from './report/json.js';
import { renderTable } from './report/table.js';
import type { VectorReport } from './report/types.js';

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
  json?: string;
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

let exitCode: number = EXIT.ok;

async function runConform(flags: ConformFlags): Promise<void> {
  const extraEnv = parseEnvPairs(flags.env);
  const device = deviceKind(flags.device ?? extraEnv['VAREQ_DEVICE'] ?? process.env['VAREQ_DEVICE']);
  const bDir = flags.buildDir ? path.resolve(flags.buildDir) : buildDir();
  const interactive = flags.progress && process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const report = await conform({
    suites: flags.suite,
    filter: flags.filter,
    timeoutSeconds: flags.timeout,
    jobs: flags.jobs,
    driver: { buildDir: bDir, device, extraEnv },
    ffmpeg: flags.ffmpeg,
    hwaccelDevice: flags.hwaccelDevice,
    cacheDir: flags.buildDir ? path.join(bDir, 'cache') : cacheDir(),
    verbose: flags.verbose,
    onStart: (total) => {
      if (interactive) {
        bar = new cliProgress.SingleBar({ format: 'conform [{bar}] {value}/{total} {vector}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, { vector: '' });
      }
    },
    onVector: (r: VectorReport, done, total) => {
      if (bar) bar.update(done, { vector: `${r.name}: ${r.verdict}` });
      else if (flags.progress) process.stderr.write(`[${done}/${total}] ${r.name}: ${r.verdict} (${(r.duration_ms / 1000).toFixed(1)} s)\n`);
    },
  });
  bar?.stop();
  process.stdout.write(renderTable(report, { color: flags.color && process.stdout.isTTY === true, showSuite: flags.suite.length > 1 }) + '\n');
  if (flags.json) {
    await writeJsonReport(flags.json, report, { tool: 'vareq conform', device, suites: flags.suite });
  }
  exitCode = report.summary.fail + report.summary.error > 0 ? EXIT.failures : EXIT.ok;
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
    .requiredOption('-s, --suite <file.json>', 'fluster-style suite file (repeatable; vectors:NAME = official suite)', collect, [])
    .option('--json <out>', 'write a JSON report to this file')
    .option('--filter <glob>', 'only vectors whose name matches this glob')
    .option('--timeout <s>', 'per-vector timeout in seconds', positiveNumber, 120)
    .option('-j, --jobs <n>', 'vectors decoded in parallel', positiveInt, Math.min(2, os.availableParallelism()))
    .option('-e, --env <KEY=VAL>', 'extra environment for the client (repeatable), e.g. VAREQ_SIM_FAULTS=...', collect, [])
    .option('--build-dir <dir>', 'meson build directory holding the driver (default: <repo>/build or VAREQ_BUILD_DIR)')
    .addOption(new Option('--device <kind>', 'sim (simdev via the preload library) or kernel (real /dev/video*)').choices(['sim', 'kernel']))
    .option('--hwaccel-device <node>', 'DRM render node given to ffmpeg', '/dev/dri/renderD128')
    .option('--ffmpeg <path>', 'ffmpeg binary', 'ffmpeg')
    .option('--no-progress', 'no progress output on stderr')
    .option('--no-color', 'no colours in the table')
    .option('-v, --verbose', 'keep ffmpeg command lines and stderr for every vector in the JSON report', false)
    .action(async (flags: ConformFlags) => {
      await runConform(flags);
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
