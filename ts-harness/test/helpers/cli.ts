/** Runs the CLI compiled alongside the tests (dist/test-build/src/cli.js). */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const cliPath = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 20 * 60 * 1000): Promise<CliRun> {
  const r = await execa(process.execPath, [cliPath, ...args], { reject: false, env, stdin: 'ignore', timeout: timeoutMs });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
