// What `memprof run <command> [args...]` executes: a Node script directly with this Node (as mprof runs
// a `.py` file with Python), anything else found on PATH like a shell would. Resolved before anything
// is written, so that a mistyped command leaves no empty recording behind.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
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

/** How Node resolves a main module that names no file: an index file, or package.json's "main". */
const INDEX_FILES = ['index.js', 'index.cjs', 'index.json', 'index.ts', 'index.cts', 'index.mts', 'index.tsx'];

/**
 * Why Node could not start `script` as its main module (it does not exist, or is a directory with
 * nothing to run), in one line; undefined when it can.
 */
export function scriptProblem(script: string, cwd = process.cwd()): string | undefined {
  const path = resolve(cwd, script);
  if (!existsSync(path)) {
    // `node app` runs app.js: the name may leave out the extension.
    return isResolvable(path) ? undefined : `cannot find script ${script}`;
  }
  if (!isDirectory(path) || isResolvable(path) || INDEX_FILES.some((name) => isFile(join(path, name)))) return undefined;
  return `${script} is a directory with no index file or package.json "main": name the script to run`;
}

function isResolvable(path: string): boolean {
  try {
    require.resolve(path);
    return true;
  } catch {
    return false;
  }
}

/** `node <script> ...` with the script first: the script, for checking before the program starts. */
function nodeScriptOf(file: string, args: readonly string[]): string | undefined {
  if (file !== process.execPath && !/(?:^|\/)node$/.test(file)) return undefined;
  const [first] = args;
  return first !== undefined && !first.startsWith('-') ? first : undefined;
}

export function resolveCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ResolvedCommand {
  const resolved = resolveExecutable(argv, env, cwd);
  // `node nosuch.js` would start, fail at once and leave a recording of nothing: say it now.
  const script = nodeScriptOf(resolved.file, resolved.args);
  const problem = script === undefined ? undefined : scriptProblem(script, cwd);
  if (problem) throw new CommandNotFoundError(problem, 127);
  return resolved;
}

function resolveExecutable(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ResolvedCommand {
  const [command, ...args] = argv;
  if (SCRIPT.test(command) && isFile(resolve(cwd, command))) {
    return { file: process.execPath, args: [resolve(cwd, command), ...args], nodeScript: true };
  }
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    if (isDirectory(path)) throw new CommandNotFoundError(`${command} is a directory, not a command: name the program to run`, 126);
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
  if (isDirectory(resolve(cwd, command))) throw new CommandNotFoundError(`${command} is a directory, not a command: name the program to run`, 127);
  throw new CommandNotFoundError(`command not found: ${command}`, 127);
}
