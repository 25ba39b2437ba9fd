#!/usr/bin/env node
// `memprof <command> ...` (run, attach, list, clean, rm, peak, plot: memory over time, like mprof) and
// `memprof [options] <script> [args...]`: runs a script with the load hook, like
// `python -m memory_profiler script.py`. Thin: parse, call in, pass the exit code on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandLine, UsageError, USAGE } from './arguments';
import { isSubcommand, runSubcommand } from './record-commands';
import { signalExitCode } from '../record/launch';

const REGISTER = join(__dirname, '..', '..', '..', 'register', 'index.js');

function usageFailure(error: UsageError, subcommand?: string): never {
  process.stderr.write(`memprof: ${error.message}\nTry 'memprof ${subcommand ? `${subcommand} ` : ''}--help'.\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (isSubcommand(first)) {
    let code: number;
    try {
      code = await runSubcommand(first, rest);
    } catch (error) {
      if (error instanceof UsageError) usageFailure(error, first);
      throw error;
    }
    process.exitCode = code;
    return;
  }
  runScript(argv);
}

function runScript(argv: string[]): void {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    usageFailure(error);
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === 'version') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  const script = resolve(command.script);
  if (!existsSync(script)) {
    process.stderr.write(`memprof: cannot find script ${command.script}\n`);
    process.exit(2);
  }
  const child = spawn(process.execPath, ['-r', REGISTER, script, ...command.args], {
    stdio: 'inherit',
    env: { ...process.env, ...command.env },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? signalExitCode(signal)));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Not expected: say it in one line, with the stack only when asked for.
  process.stderr.write(`memprof: internal error: ${(error as Error)?.message ?? String(error)}\n`);
  if (process.env.MEMPROF_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  process.exit(70);
});
