// Starting a program the way memprof runs them (`memprof run <command>` and `memprof <script>`): it gets
// memprof's stdin, stdout and stderr, optionally memprof's load hook through NODE_OPTIONS (so that
// node processes it starts inherit the hook too), and the signals memprof receives; memprof then
// passes its exit code on (the program's, or 128+signal).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';

/** memprof's load hook (register/index.js), from dist/src/record/. */
export const REGISTER_ENTRY = join(__dirname, '..', '..', '..', 'register', 'index.js');

/** The signals passed on to the program while it runs. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The exit code of a program ended by `signal`, as a shell reports it: 128 + the signal's number. */
export function signalExitCode(signal: NodeJS.Signals | null): number {
  if (!signal) return 1;
  return 128 + ((osConstants.signals as Record<string, number>)[signal] ?? 0);
}

/** The program could not be started; `exitCode` is the shell's (127: not found, 126: cannot execute). */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface LaunchOptions {
  /** The program's name in messages (default: `file`). */
  name?: string;
  /** argv[0] the program sees (default: `file`). */
  argv0?: string;
  /** Changes to memprof's environment: a string sets the variable, undefined removes it. */
  env?: Record<string, string | undefined>;
  /** Add memprof's load hook to NODE_OPTIONS (`--require <register/index.js>`), after what it holds. */
  hookNodeOptions?: boolean;
}

export interface Launched {
  child: ChildProcess;
  /** Undefined when the program could not be started: `exited` rejects then. */
  pid: number | undefined;
  /**
   * The exit code to pass on: the program's, or 128+signal. Rejects with a LaunchError if the program
   * could not be started. Signals are forwarded until it settles.
   */
  exited: Promise<number>;
}

/** Quotes a path for NODE_OPTIONS, which accepts double-quoted values with backslash escapes. */
function nodeOptionsValue(path: string): string {
  return JSON.stringify(path);
}

function environment(options: LaunchOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  if (options.hookNodeOptions && existsSync(REGISTER_ENTRY)) {
    env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${nodeOptionsValue(REGISTER_ENTRY)}`].filter(Boolean).join(' ');
  }
  return env;
}

/**
 * Starts `file` with `args`. Throws a LaunchError (126) when it cannot even be spawned; a program that
 * fails to start later (it vanished, or is not executable after all) rejects `exited` instead.
 */
export function launch(file: string, args: readonly string[], options: LaunchOptions = {}): Launched {
  const name = options.name ?? file;
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: 'inherit', env: environment(options), argv0: options.argv0 });
  } catch (error) {
    throw new LaunchError(`cannot start ${name}: ${(error as Error).message}`, 126);
  }
  const stopForwarding = forwardSignals(child);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      reject(new LaunchError(`cannot start ${name}: ${error.code ?? error.message}`, error.code === 'ENOENT' ? 127 : 126));
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(code ?? signalExitCode(signal));
    });
  });
  return { child, pid: child.pid, exited };
}

/**
 * Signals memprof receives go to the program, and memprof stays alive until the program exits. On a
 * terminal, Ctrl-C and hang-ups already reach the program (the whole foreground process group gets
 * them): memprof only stays alive then, so that the program does not get them twice.
 */
function forwardSignals(child: ChildProcess): () => void {
  const interactive = process.stdin.isTTY === true;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of FORWARDED_SIGNALS) {
    const fromTerminal = signal !== 'SIGTERM' && interactive;
    const handler = (): void => {
      if (fromTerminal) return;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
