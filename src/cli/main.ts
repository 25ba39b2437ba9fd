#!/usr/bin/env node
// `memprof [options] <script> [args...]`: runs a script with the load hook, like
// `python -m memory_profiler script.py`. Thin: parse, spawn, pass the exit code on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandLine, UsageError, USAGE } from './arguments';

const REGISTER = join(__dirname, '..', '..', '..', 'register', 'index.js');

function main(argv: string[]): void {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`memprof: ${error.message}\nTry 'memprof --help'.\n`);
    process.exit(2);
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
  child.on('exit', (code, signal) => process.exit(code ?? 128 + signalNumber(signal)));
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal ? (numbers[signal] ?? 1) : 1;
}

main(process.argv.slice(2));
