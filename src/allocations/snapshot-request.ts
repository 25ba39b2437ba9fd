// `memprof snapshot <pid>`: which processes of a tree run memprof's heap sampler, asking each for a
// snapshot (the signal it listens to), and waiting for the files. A process is asked only if its
// environment turned sampling on (MEMPROF_HEAP_PROFILES) and it catches that signal by now (the
// sampler installs its handler when memprof's hook loads): SIGUSR2's default is to end a process.
import { readdirSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { HEAP_SAMPLING_ENV } from '../shared/record-channel';
import { DEFAULT_SNAPSHOT_SIGNAL, parseProfileFileName } from '../heap-sampling/profile-format';
import { descendants } from '../record/proc/scans';

export interface SampledProcess {
  pid: number;
  folder: string;
  signal: NodeJS.Signals;
}

/** The variables of /proc/<pid>/environ (as the process started), or undefined when it cannot be read. */
export function environmentOf(pid: number): Map<string, string> | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
  const env = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return env;
}

/** Whether the SigCgt mask of /proc/<pid>/status (hex, bit n-1 for signal n) has `signal`. */
export function catchesSignal(status: string, signal: NodeJS.Signals): boolean {
  const match = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status);
  const number = (osConstants.signals as Record<string, number>)[signal];
  if (!match || !number) return false;
  return ((BigInt(`0x${match[1]}`) >> BigInt(number - 1)) & 1n) === 1n;
}

function sampledProcess(pid: number): SampledProcess | undefined {
  const env = environmentOf(pid);
  const folder = env?.get(HEAP_SAMPLING_ENV.folder);
  if (!env || !folder) return undefined;
  const signal = (env.get(HEAP_SAMPLING_ENV.signal) || DEFAULT_SNAPSHOT_SIGNAL) as NodeJS.Signals;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  return catchesSignal(status, signal) ? { pid, folder, signal } : undefined;
}

/** The processes to ask: `pid` and (unless `alone`) its descendants, those that sample. */
export function sampledProcesses(pid: number, alone: boolean): SampledProcess[] {
  const pids = alone ? [pid] : [pid, ...descendants(pid)];
  return pids.map(sampledProcess).filter((entry): entry is SampledProcess => entry !== undefined);
}

function snapshotFiles(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder).filter((name) => parseProfileFileName(name)?.snapshot !== undefined));
  } catch {
    return new Set();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SnapshotOutcome {
  /** New snapshot files (paths), main threads' and worker threads' (written before their main thread's). */
  files: string[];
  /** Processes whose main thread wrote nothing in time (busy in synchronous code, or gone). */
  silent: number[];
}

/** Signals every process and waits (at most `timeoutMs`) until each main thread's snapshot is there. */
export async function requestSnapshots(processes: readonly SampledProcess[], timeoutMs: number): Promise<SnapshotOutcome> {
  const folders = [...new Set(processes.map((entry) => entry.folder))];
  const before = new Map(folders.map((folder) => [folder, snapshotFiles(folder)]));
  const asked: SampledProcess[] = [];
  for (const entry of processes) {
    try {
      process.kill(entry.pid, entry.signal);
      asked.push(entry);
    } catch {
      // gone meanwhile: it will be reported silent
    }
  }
  const fresh = (): string[] =>
    folders.flatMap((folder) => [...snapshotFiles(folder)].filter((name) => !before.get(folder)!.has(name)).map((name) => `${folder}/${name}`));
  const answered = (pid: number): boolean => fresh().some((path) => {
    const name = parseProfileFileName(path.slice(path.lastIndexOf('/') + 1));
    return name?.pid === pid && name.threadId === 0;
  });
  const deadline = Date.now() + timeoutMs;
  // A main thread writes its snapshot once its worker threads have written theirs.
  while (Date.now() < deadline && !asked.every((entry) => answered(entry.pid))) await sleep(50);
  return { files: fresh().sort(), silent: processes.filter((entry) => !answered(entry.pid)).map((entry) => entry.pid) };
}
