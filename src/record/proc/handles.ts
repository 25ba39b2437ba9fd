// Descriptors the sampler keeps open: one for each process' memory file and one for each `children`
// file, re-read with pread at offset 0 (procfs regenerates the text on each read from the start), so
// a sample of one process costs one system call (~1.5 µs) and no string.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { memoryFileOf, type Backend } from './backends';
import { fromSmapsRollup, pidsInBytes, residentPagesInBytes } from './parsers';
import { pageSize } from './reads';

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
    pidsInBytes(buffer, length, this.pids);
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
    handle.memoryFd = tryOpen(`/proc/${pid}/${memoryFileOf(backend)}`);
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
      const pages = residentPagesInBytes(buffer, length);
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
