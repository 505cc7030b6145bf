/** Errors that map onto the CLI's exit codes. */

/** Bad command line or input files named on it: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The machine lacks something the harness needs (ffmpeg, the built driver): exit code 3. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

export const EXIT = {
  ok: 0,
  failures: 1,
  usage: 2,
  environment: 3,
} as const;

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
