// What `memprof run <command> [args...]` executes: a Node script directly with this Node (as mprof runs
// a `.py` file with Python), anything else found on PATH like a shell would. Resolved before anything
// is written, so that a mistyped command leaves no empty recording behind.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface ResolvedCommand {
  /** Executable to spawn. */
  file: string;
  args: string[];
  /** True when `file` is this Node and the first argument a script. */
  nodeScript: boolean;
}

export class CommandNotFoundError extends Error {
  constructor(
    message: string,
    /** 127: not found; 126: found but not executable (the shell's codes). */
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const SCRIPT = /\.(?:[cm]?js|[cm]?ts|tsx)$/;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return isFile(path);
  } catch {
    return false;
  }
}

export function resolveCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ResolvedCommand {
  const [command, ...args] = argv;
  if (SCRIPT.test(command) && isFile(resolve(cwd, command))) {
    return { file: process.execPath, args: [resolve(cwd, command), ...args], nodeScript: true };
  }
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    if (!isFile(path)) throw new CommandNotFoundError(`command not found: ${command}`, 127);
    if (!isExecutable(path)) throw new CommandNotFoundError(`command is not executable: ${command}`, 126);
    return { file: path, args, nodeScript: false };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, command);
    if (isExecutable(path)) return { file: path, args, nodeScript: false };
  }
  if (SCRIPT.test(command)) throw new CommandNotFoundError(`cannot find script ${command}`, 127);
  throw new CommandNotFoundError(`command not found: ${command}`, 127);
}
