// Every failure the CLI reports carries the exit code to leave with: main prints the message (one
// line) and exits with it. Usage errors (2) also point at --help.
import { DatError } from '../record/dat';
import { HousekeepingError } from '../record/housekeeping';
import { LaunchError } from '../record/launch';
import { RecordError } from '../record/record-options';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad usage: an unknown option, a missing or bad value, a missing argument. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The known failures of src/record as CliErrors (with today's exit codes); undefined for anything else. */
export function asCliError(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof RecordError || error instanceof LaunchError) return new CliError(error.message, error.exitCode);
  if (error instanceof HousekeepingError || error instanceof DatError) return new CliError(error.message, 1);
  return undefined;
}
