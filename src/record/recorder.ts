// `memprof run` and `memprof attach`: sample a process (and its tree) every interval into a `.dat` file.
// Each sample is appended with one write as soon as it is taken, so whatever happens to the program or
// to memprof, the file holds every sample taken so far. The recorded program is transparent: same
// stdin/stdout/stderr, its exit code (or 128+signal) passed on, SIGINT/SIGTERM/SIGHUP forwarded.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsConstants, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chldLine, cmdlineLine, memLine } from './dat';
import { checkProcSupport, findProcessByName, processArguments, processExists, toMiB, type Backend } from './proc';
import { TreeSampler, type Sample } from './sampler';
import { StatusLine, type StatusSink } from './status-line';
import { CommandNotFoundError, resolveCommand } from './command';
import { RECORD_ENV } from './channel-env';

/** The load hook children get through NODE_OPTIONS (`-r`), so profiled functions report markers. */
export const REGISTER_ENTRY = join(__dirname, '..', '..', '..', 'register', 'index.js');

export interface RecordOptions {
  /** Seconds between samples. */
  interval: number;
  /** MEM is the sum over the whole process tree. */
  includeChildren: boolean;
  /** One CHLD series per descendant process. */
  multiprocess: boolean;
  /** Stop recording after this many seconds. */
  timeout?: number;
  backend: Backend;
  /** Output file; default `mprofile_<YYYYMMDDhhmmss>.dat` in the current directory. */
  output?: string;
  /** Give node children memprof's load hook (NODE_OPTIONS); default true. */
  hook: boolean;
  /** Print the recorder's own CPU and memory use at the end. */
  selfStats: boolean;
  /** Allow the live status line (it is shown only when stderr is a terminal). */
  status: boolean;
  /** Where messages and the status line go; default process.stderr. */
  stderr?: StatusSink;
}

/** A failure before or while recording, with its one-line message and the exit code to use. */
export class RecordError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** `mprofile_<YYYYMMDDhhmmss>.dat` for a local time, as mprof names its files. */
export function defaultFileName(date: Date): string {
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `mprofile_${stamp}.dat`;
}

/**
 * Opens the output for appending (so that lines from profiled processes, which append too, are never
 * overwritten). A named file is truncated; the default name is never reused: if a recording started in
 * the same second already has it, the next second's name is taken.
 */
function openOutput(output: string | undefined, cwd: string): { fd: number; path: string } {
  const base = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND;
  if (output !== undefined) {
    const path = resolve(cwd, output);
    try {
      return { fd: openSync(path, base | fsConstants.O_TRUNC, 0o644), path };
    } catch (error) {
      throw new RecordError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
    }
  }
  const start = Date.now();
  for (let attempt = 0; attempt < 120; attempt++) {
    const path = join(cwd, defaultFileName(new Date(start + attempt * 1000)));
    try {
      return { fd: openSync(path, base | fsConstants.O_EXCL, 0o644), path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new RecordError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
    }
  }
  throw new RecordError(`cannot find a free mprofile_*.dat name in ${cwd}`, 1);
}

/** Quotes a path for NODE_OPTIONS, which accepts double-quoted values with backslash escapes. */
function nodeOptionsValue(path: string): string {
  return JSON.stringify(path);
}

export function signalExitCode(signal: NodeJS.Signals | null): number {
  if (!signal) return 1;
  return 128 + ((osConstants.signals as Record<string, number>)[signal] ?? 0);
}

interface SelfStats {
  cpu: NodeJS.CpuUsage;
  wallStart: number;
  sampleMicros: number;
  maxSampleMicros: number;
  late: number;
}

/**
 * How often the tree is searched for new processes: on every sample down to 0.05 s intervals, then
 * every 0.05 s (each search costs one read per process); all threads every 0.5 s.
 */
export function discoveryCadence(interval: number): { discoverEvery: number; fullScanEvery: number } {
  const discoverEvery = Math.max(1, Math.floor(0.05 / interval + 1e-9));
  return { discoverEvery, fullScanEvery: Math.max(1, Math.round(0.5 / (interval * discoverEvery))) };
}

/** The sampling loop, shared by run and attach. */
class Recording {
  private readonly sampler: TreeSampler;
  private readonly status: StatusLine;
  private timer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private next = 0;
  private readonly intervalMs: number;
  private readonly startedAt = performance.now();
  samples = 0;
  peakMiB = 0;
  maxProcesses = 1;
  stopped = false;
  private writeFailed = false;
  private readonly stats: SelfStats = { cpu: process.cpuUsage(), wallStart: performance.now(), sampleMicros: 0, maxSampleMicros: 0, late: 0 };

  constructor(
    readonly pid: number,
    private readonly fd: number,
    readonly path: string,
    private readonly options: RecordOptions,
    private readonly sink: StatusSink,
    /** Called once when the recorded process is found gone by the sampler (attach) or at timeout. */
    private readonly onEnd: (reason: 'exited' | 'timeout') => void,
  ) {
    const showStatus = StatusLine.wanted(sink, options.status);
    this.sampler = new TreeSampler(pid, {
      backend: options.backend,
      followTree: options.includeChildren || options.multiprocess || showStatus,
      ...discoveryCadence(options.interval),
    });
    this.status = new StatusLine(sink, showStatus);
    this.intervalMs = options.interval * 1000;
  }

  start(): void {
    this.next = performance.now();
    if (this.options.timeout !== undefined) {
      this.timeoutTimer = setTimeout(() => {
        this.stop();
        this.onEnd('timeout');
      }, this.options.timeout * 1000);
    }
    this.tick();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    const before = performance.now();
    const sample = this.sampler.sample();
    if (!sample) {
      // The process is gone or a zombie. For `run`, its exit event follows; `attach` ends here.
      this.stop();
      this.onEnd('exited');
      return;
    }
    this.write(sample);
    const after = performance.now();
    const micros = (after - before) * 1000;
    this.stats.sampleMicros += micros;
    if (micros > this.stats.maxSampleMicros) this.stats.maxSampleMicros = micros;
    this.next += this.intervalMs;
    if (this.next < after) {
      // Too late for this slot (a busy machine, or an interval shorter than a sample): skip it.
      this.stats.late++;
      this.next = after;
    }
    this.timer = setTimeout(this.tick, Math.max(0, this.next - performance.now()));
  };

  private write(sample: Sample): void {
    const mib = toMiB(this.options.includeChildren ? sample.total : sample.root);
    let text = memLine(mib, sample.time);
    if (this.options.multiprocess) {
      for (const child of sample.children) text += chldLine(child.pid, toMiB(child.bytes), sample.time);
    }
    this.samples++;
    if (mib > this.peakMiB) this.peakMiB = mib;
    const processes = 1 + sample.children.length;
    if (processes > this.maxProcesses) this.maxProcesses = processes;
    if (!this.writeFailed) {
      try {
        writeSync(this.fd, text);
      } catch (error) {
        this.writeFailed = true;
        this.status.clear();
        this.sink.write(`memprof: cannot write ${this.path}: ${(error as Error).message}; recording stopped\n`);
        this.stop();
        return;
      }
    }
    this.status.update({
      elapsedSeconds: (performance.now() - this.startedAt) / 1000,
      currentMiB: mib,
      peakMiB: this.peakMiB,
      processes,
      samples: this.samples,
      treeMiB: this.options.includeChildren ? undefined : toMiB(sample.total),
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.timer = this.timeoutTimer = undefined;
    this.sampler.close();
    this.status.clear();
  }

  /** The recorder's own cost, for --self-stats. */
  selfStats(): string {
    const cpu = process.cpuUsage(this.stats.cpu);
    const wallSeconds = (performance.now() - this.stats.wallStart) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const usage = process.memoryUsage();
    const maxRss = process.resourceUsage().maxRSS / 1024;
    const mean = this.samples > 0 ? this.stats.sampleMicros / this.samples : 0;
    return [
      `memprof: self-stats: ${this.samples} samples in ${wallSeconds.toFixed(2)} s, every ${this.options.interval} s, up to ${this.maxProcesses} process${this.maxProcesses === 1 ? '' : 'es'} (backend ${this.options.backend})`,
      `memprof: self-stats: CPU ${cpuSeconds.toFixed(3)} s = ${((100 * cpuSeconds) / Math.max(wallSeconds, 1e-9)).toFixed(2)}% of one core (user ${(cpu.user / 1e6).toFixed(3)} s, system ${(cpu.system / 1e6).toFixed(3)} s)`,
      `memprof: self-stats: ${mean.toFixed(1)} µs per sample (max ${this.stats.maxSampleMicros.toFixed(0)} µs), ${this.stats.late} late`,
      `memprof: self-stats: RSS ${toMiB(usage.rss).toFixed(1)} MiB (max ${maxRss.toFixed(1)} MiB), V8 heap ${toMiB(usage.heapUsed).toFixed(1)} MiB`,
    ].join('\n') + '\n';
  }
}

function summary(recording: Recording): string {
  const processes = recording.maxProcesses > 1 ? `, up to ${recording.maxProcesses} processes` : '';
  return `memprof: ${recording.samples} sample${recording.samples === 1 ? '' : 's'} (peak ${recording.peakMiB.toFixed(1)} MiB${processes}) in ${displayPath(recording.path)}\n`;
}

function displayPath(path: string): string {
  const cwd = process.cwd();
  return path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path;
}

function checkSupport(options: RecordOptions): void {
  try {
    checkProcSupport(options.backend);
  } catch (error) {
    throw new RecordError((error as Error).message, 1);
  }
}

/**
 * `memprof run`: starts the command, records it until it exits, returns the exit code to use
 * (the program's, or 128+signal). Throws RecordError for what prevents recording.
 */
export function recordCommand(argv: readonly string[], options: RecordOptions): Promise<number> {
  const sink = options.stderr ?? process.stderr;
  checkSupport(options);
  let command;
  try {
    command = resolveCommand(argv);
  } catch (error) {
    if (error instanceof CommandNotFoundError) throw new RecordError(error.message, error.exitCode);
    throw error;
  }
  const { fd, path } = openOutput(options.output, process.cwd());
  writeSync(fd, cmdlineLine(argv));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [RECORD_ENV.file]: path,
    [RECORD_ENV.parent]: String(process.pid),
    [RECORD_ENV.backend]: options.backend,
  };
  if (options.includeChildren) env[RECORD_ENV.includeChildren] = '1';
  else delete env[RECORD_ENV.includeChildren];
  if (options.hook && existsSync(REGISTER_ENTRY)) {
    env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--require ${nodeOptionsValue(REGISTER_ENTRY)}`].filter(Boolean).join(' ');
  }

  let child: ChildProcess;
  try {
    child = spawn(command.file, command.args, { stdio: 'inherit', env, argv0: command.nodeScript ? undefined : argv[0] });
  } catch (error) {
    cleanUpEmpty(fd, path);
    throw new RecordError(`cannot start ${argv[0]}: ${(error as Error).message}`, 126);
  }

  return new Promise((resolvePromise, reject) => {
    let recording: Recording | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Only spawn failures reach here (the command vanished, or is not executable after all).
      recording?.stop();
      cleanUpEmpty(fd, path);
      reject(new RecordError(`cannot start ${argv[0]}: ${error.code ?? error.message}`, error.code === 'ENOENT' ? 127 : 126));
    });
    if (child.pid === undefined) return;
    sink.write(`memprof: recording ${command.nodeScript ? basename(command.args[0]) : argv[0]} every ${options.interval} s into ${displayPath(path)}\n`);
    try {
      recording = new Recording(child.pid, fd, path, options, sink, (reason) => {
        if (reason === 'timeout') {
          sink.write(`memprof: --timeout ${options.timeout} s reached: recording stopped; waiting for the program to exit\n`);
        }
      });
    } catch (error) {
      child.kill('SIGKILL');
      closeSync(fd);
      reject(new RecordError((error as Error).message, 1));
      return;
    }
    const active = recording;
    const removeSignalHandlers = forwardSignals(child);
    active.start();
    child.once('exit', (code, signal) => {
      removeSignalHandlers();
      active.stop();
      closeSync(fd);
      sink.write(summary(active));
      if (options.selfStats) sink.write(active.selfStats());
      resolvePromise(code ?? signalExitCode(signal));
    });
  });
}

/**
 * Signals memprof receives go to the program, and memprof keeps recording until the program exits.
 * On a terminal, Ctrl-C and hang-ups already reach the program (the whole foreground process group
 * gets them): memprof only stays alive then, so that the program does not get them twice.
 */
function forwardSignals(child: ChildProcess): () => void {
  const interactive = process.stdin.isTTY === true;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
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

function cleanUpEmpty(fd: number, path: string): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
  try {
    unlinkSync(path);
  } catch {
    // never created, or already gone
  }
}

/**
 * `memprof attach <pid|name>`: records a running process until it exits, `--timeout` passes, or
 * memprof is interrupted (Ctrl-C ends the recording, not the process). Returns 0.
 */
export function recordAttached(target: string, options: RecordOptions): Promise<number> {
  const sink = options.stderr ?? process.stderr;
  checkSupport(options);
  let pid: number;
  if (/^\d+$/.test(target)) {
    pid = Number(target);
    if (!processExists(pid)) throw new RecordError(`no process with pid ${target}`, 1);
  } else {
    const found = findProcessByName(target);
    if (found === undefined) throw new RecordError(`no process whose name contains "${target}"`, 1);
    pid = found;
  }
  if (pid === process.pid) throw new RecordError('memprof cannot record itself', 1);
  const { fd, path } = openOutput(options.output, process.cwd());
  writeSync(fd, cmdlineLine(processArguments(pid) ?? [target]));
  return new Promise((resolvePromise, reject) => {
    let recording: Recording;
    let done = false;
    const finish = (reason: 'exited' | 'timeout' | 'interrupted'): void => {
      if (done) return;
      done = true;
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, interrupt);
      recording.stop();
      closeSync(fd);
      const why = reason === 'exited' ? `process ${pid} exited` : reason === 'timeout' ? `--timeout ${options.timeout} s reached` : 'interrupted';
      sink.write(`memprof: ${why}\n`);
      sink.write(summary(recording));
      if (options.selfStats) sink.write(recording.selfStats());
      resolvePromise(0);
    };
    const interrupt = (): void => finish('interrupted');
    try {
      recording = new Recording(pid, fd, path, options, sink, finish);
    } catch (error) {
      cleanUpEmpty(fd, path);
      reject(new RecordError(`cannot record process ${pid}: ${(error as Error).message}`, 1));
      return;
    }
    sink.write(`memprof: recording process ${pid} every ${options.interval} s into ${displayPath(path)}\n`);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, interrupt);
    recording.start();
  });
}
