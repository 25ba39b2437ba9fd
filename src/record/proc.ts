// Reading processes straight from Linux's /proc: no `ps`, no psutil. The sampler keeps one file
// descriptor open per thing it reads and re-reads it with pread at offset 0 (procfs regenerates the
// text on each read from the start), so a sample of one process costs one system call (~1.5 µs).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export const BACKENDS = ['rss', 'pss', 'uss'] as const;
export type Backend = (typeof BACKENDS)[number];

/** memory_profiler's backend names, accepted for muscle memory. */
const BACKEND_ALIASES: Record<string, Backend> = {
  rss: 'rss',
  pss: 'pss',
  uss: 'uss',
  psutil: 'rss',
  posix: 'rss',
  psutil_pss: 'pss',
  psutil_uss: 'uss',
};

export function parseBackend(name: string): Backend | undefined {
  return BACKEND_ALIASES[name];
}

export class ProcUnavailableError extends Error {}

/** Throws a one-line explanation when this system cannot give what `backend` needs. */
export function checkProcSupport(backend: Backend): void {
  if (process.platform !== 'linux' || !existsSync('/proc/self/statm')) {
    throw new ProcUnavailableError('recording needs Linux /proc (this system has none)');
  }
  if (backend !== 'rss' && !existsSync('/proc/self/smaps_rollup')) {
    throw new ProcUnavailableError(`--backend ${backend} needs /proc/<pid>/smaps_rollup (Linux 4.14 or newer), which this system does not offer`);
  }
}

let cachedPageSize: number | undefined;

/** The page size, from the kernel's auxiliary vector (AT_PAGESZ); 4096 if that cannot be read. */
export function pageSize(): number {
  if (cachedPageSize !== undefined) return cachedPageSize;
  cachedPageSize = 4096;
  try {
    const auxv = readFileSync('/proc/self/auxv');
    for (let offset = 0; offset + 16 <= auxv.length; offset += 16) {
      const type = Number(auxv.readBigUInt64LE(offset));
      if (type === 0) break;
      if (type === 6) {
        cachedPageSize = Number(auxv.readBigUInt64LE(offset + 8));
        break;
      }
    }
  } catch {
    // keep the default
  }
  return cachedPageSize;
}

const MIB = 1024 * 1024;

/** Parses `/proc/<pid>/statm` text: the second field is resident pages. Returns bytes, or -1. */
export function residentFromStatm(text: string): number {
  const start = text.indexOf(' ');
  if (start < 0) return -1;
  const end = text.indexOf(' ', start + 1);
  const pages = Number(text.slice(start + 1, end < 0 ? undefined : end));
  return Number.isFinite(pages) ? pages * pageSize() : -1;
}

/** Parses `/proc/<pid>/smaps_rollup` text into bytes: Pss, or USS = the sum of the Private_* lines (as psutil). */
export function fromSmapsRollup(text: string, backend: 'pss' | 'uss'): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const wanted = backend === 'pss' ? line.startsWith('Pss:') : line.startsWith('Private_');
    if (!wanted) continue;
    const kib = Number(line.slice(line.indexOf(':') + 1).trim().split(/\s+/)[0]);
    if (!Number.isFinite(kib)) continue;
    total += kib * 1024;
    found = true;
    if (backend === 'pss') break;
  }
  return found ? total : -1;
}

/** Whitespace-separated pids, as in a `children` file. */
export function parsePidList(text: string): number[] {
  const pids: number[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const pid = Number(word);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** Reusable read buffer: smaps_rollup is about 1 KiB, statm and children files are short. */
const buffer = Buffer.alloc(64 * 1024);

/** Reads the whole file behind `fd` into `buffer` from offset 0; -1 if the process is gone. */
function pread(fd: number): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, 0);
  } catch {
    return -1;
  }
}

function tryOpen(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

function tryClose(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const SPACE = 0x20;
const ZERO = 0x30;

/** The second field of statm (resident pages), parsed from the bytes without making a string. */
function residentPagesInBuffer(length: number): number {
  let index = 0;
  while (index < length && buffer[index] !== SPACE) index++;
  index++;
  let pages = 0;
  let digits = 0;
  for (; index < length; index++) {
    const digit = buffer[index] - ZERO;
    if (digit < 0 || digit > 9) break;
    pages = pages * 10 + digit;
    digits++;
  }
  return digits > 0 ? pages : -1;
}

/** Pids separated by spaces, parsed from the bytes. */
function pidsInBuffer(length: number, into: number[]): void {
  let pid = 0;
  let digits = 0;
  for (let index = 0; index <= length; index++) {
    const digit = index < length ? buffer[index] - ZERO : -1;
    if (digit >= 0 && digit <= 9) {
      pid = pid * 10 + digit;
      digits++;
    } else if (digits > 0) {
      if (!into.includes(pid)) into.push(pid);
      pid = digits = 0;
    }
  }
}

/** A `children` file kept open, re-parsed only when its bytes change (they rarely do). */
class ChildrenFile {
  private last = Buffer.alloc(0);
  pids: number[] = [];

  constructor(readonly fd: number) {}

  /** False when the thread or process is gone. */
  refresh(): boolean {
    const length = pread(this.fd);
    if (length < 0) return false;
    if (length === this.last.length && buffer.compare(this.last, 0, length, 0, length) === 0) return true;
    this.last = Buffer.from(buffer.subarray(0, length));
    this.pids = [];
    pidsInBuffer(length, this.pids);
    return true;
  }

  close(): void {
    tryClose(this.fd);
  }
}

/**
 * One process the sampler follows: an open descriptor for its memory file, and for the `children`
 * file of its main thread (and, after a full scan, of its other threads). The descriptors refer to
 * this very process: if it exits and its pid is reused, reads fail instead of reading the newcomer.
 */
export class ProcessHandle {
  private memoryFd: number | undefined;
  private mainChildren: ChildrenFile | undefined;
  /** `children` files of the other threads, by thread id, as of the last full scan. */
  private threadChildren = new Map<number, ChildrenFile>();
  private list: number[] = [];
  closed = false;

  private constructor(
    readonly pid: number,
    private readonly backend: Backend,
  ) {}

  static open(pid: number, backend: Backend): ProcessHandle | undefined {
    const handle = new ProcessHandle(pid, backend);
    handle.memoryFd = tryOpen(`/proc/${pid}/${backend === 'rss' ? 'statm' : 'smaps_rollup'}`);
    if (handle.memoryFd === undefined) return undefined;
    const fd = tryOpen(`/proc/${pid}/task/${pid}/children`);
    if (fd !== undefined) handle.mainChildren = new ChildrenFile(fd);
    return handle;
  }

  /**
   * Current memory in bytes; 0 for a zombie (it has no memory any more); undefined once the process
   * is gone (reaped).
   */
  memory(): number | undefined {
    if (this.memoryFd === undefined) return undefined;
    const length = pread(this.memoryFd);
    if (length < 0) return undefined;
    if (length === 0) return 0;
    if (this.backend === 'rss') {
      const pages = residentPagesInBuffer(length);
      return pages < 0 ? 0 : pages * pageSize();
    }
    const bytes = fromSmapsRollup(buffer.toString('latin1', 0, length), this.backend);
    return bytes < 0 ? 0 : bytes;
  }

  /** Whether the kernel offers `task/<tid>/children` (CONFIG_PROC_CHILDREN). */
  get canListChildren(): boolean {
    return this.mainChildren !== undefined;
  }

  /**
   * Direct children of this process. Cheap mode reads only the main thread's list (where node, shells
   * and most programs fork) and keeps what the last full scan found on the other threads; a full scan
   * reads every thread's list. The same array comes back as long as nothing changed.
   */
  children(fullScan: boolean): readonly number[] {
    if (!this.mainChildren) return this.list;
    if (fullScan) this.rescanThreads();
    let changed = false;
    const before = this.mainChildren.pids;
    if (!this.mainChildren.refresh()) return this.list;
    changed ||= before !== this.mainChildren.pids;
    for (const [tid, file] of fullScan ? this.threadChildren : []) {
      const previous = file.pids;
      if (!file.refresh()) {
        file.close();
        this.threadChildren.delete(tid);
        changed = true;
      } else {
        changed ||= previous !== file.pids;
      }
    }
    if (changed || fullScan) {
      const list = [...this.mainChildren.pids];
      for (const file of this.threadChildren.values()) for (const pid of file.pids) if (!list.includes(pid)) list.push(pid);
      this.list = list;
    }
    return this.list;
  }

  private rescanThreads(): void {
    let tids: number[];
    try {
      tids = readdirSync(`/proc/${this.pid}/task`).map(Number);
    } catch {
      return; // exiting
    }
    for (const [tid, file] of this.threadChildren) {
      if (!tids.includes(tid)) {
        file.close();
        this.threadChildren.delete(tid);
      }
    }
    for (const tid of tids) {
      if (tid === this.pid || this.threadChildren.has(tid)) continue;
      const fd = tryOpen(`/proc/${this.pid}/task/${tid}/children`);
      if (fd !== undefined) this.threadChildren.set(tid, new ChildrenFile(fd));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    tryClose(this.memoryFd);
    this.mainChildren?.close();
    for (const file of this.threadChildren.values()) file.close();
    this.threadChildren.clear();
    this.memoryFd = this.mainChildren = undefined;
  }
}

/** Fallback when `children` files do not exist: parent pid of every process, from /proc/<pid>/stat. */
export function childrenByScan(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    // The command name is in parentheses and may contain spaces: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    const list = byParent.get(parent);
    if (list) list.push(pid);
    else byParent.set(parent, [pid]);
  }
  return byParent;
}

/** One-shot memory of a process in bytes (undefined if it is gone), for occasional readers. */
export function processMemory(pid: number | 'self', backend: Backend): number | undefined {
  try {
    if (backend === 'rss') {
      const bytes = residentFromStatm(readFileSync(`/proc/${pid}/statm`, 'latin1'));
      return bytes < 0 ? undefined : bytes;
    }
    const bytes = fromSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'), backend);
    return bytes < 0 ? 0 : bytes;
  } catch {
    return undefined;
  }
}

/** All descendants of `pid` (children, grandchildren, ...), from the `children` files of every thread. */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      let text: string;
      try {
        text = readFileSync(`/proc/${parent}/task/${tid}/children`, 'latin1');
      } catch {
        continue;
      }
      for (const child of parsePidList(text)) {
        if (!found.includes(child) && child !== pid) {
          found.push(child);
          queue.push(child);
        }
      }
    }
  }
  return found;
}

/** The command line of a process, as its arguments; undefined if it cannot be read. */
export function processArguments(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0');
    if (args[args.length - 1] === '') args.pop();
    return args.length > 0 ? args : undefined;
  } catch {
    return undefined;
  }
}

export function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}/statm`);
}

/** The first process (lowest pid, other than memprof itself) whose name contains `name`, like mprof's attach. */
export function findProcessByName(name: string): number | undefined {
  const pids = readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim().includes(name)) return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

export function toMiB(bytes: number): number {
  return bytes / MIB;
}
