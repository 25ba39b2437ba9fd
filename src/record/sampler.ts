// Samples the memory of a process and, when asked, of its whole tree of descendants, from /proc.
// The tree is re-discovered every `discoverEvery` samples through the main thread's `children` file
// (one read per process); every `fullScanEvery` discoveries all threads are scanned too, to find
// children started from other threads (worker threads). New processes are opened once and then read
// with one pread per sample.
import { childrenByScan, ProcessHandle, type Backend } from './proc';

export interface ChildSample {
  pid: number;
  bytes: number;
}

export interface Sample {
  /** Epoch seconds when the sample was taken. */
  time: number;
  /** The recorded process' own memory, in bytes. */
  root: number;
  /** Living descendants (only when the tree is followed), in discovery order. */
  children: ChildSample[];
  /** root + children. */
  total: number;
}

export interface SamplerOptions {
  backend: Backend;
  /** Follow descendants (for --include-children, --multiprocess, or a process count). */
  followTree: boolean;
  /** Look for new (and gone) processes every this many samples (1 = on every sample). */
  discoverEvery: number;
  /** Scan every thread for children every this many discoveries (1 = always). */
  fullScanEvery: number;
}

export function nowSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

export class TreeSampler {
  private readonly handles = new Map<number, ProcessHandle>();
  /** Each process' children as last read (arrays are reused by ProcessHandle while unchanged). */
  private readonly lists = new Map<number, readonly number[]>();
  private readonly root: ProcessHandle;
  private samples = 0;
  private discoveries = 0;
  /** Pids of the tree, root first, as last discovered. */
  private tree: number[];

  /** Throws if the process cannot be read (it does not exist, or belongs to someone else and /proc hides it). */
  constructor(
    readonly rootPid: number,
    private readonly options: SamplerOptions,
  ) {
    const root = ProcessHandle.open(rootPid, options.backend);
    if (!root) throw new Error(`cannot read the memory of process ${rootPid}`);
    this.root = root;
    this.handles.set(rootPid, root);
    this.tree = [rootPid];
  }

  /** Number of processes in the tree at the last sample (the recorded one included). */
  get processCount(): number {
    return this.tree.length;
  }

  /**
   * Takes one sample. Returns undefined once the recorded process has exited (it is gone, or a
   * zombie waiting for its parent: it has no memory any more).
   */
  sample(): Sample | undefined {
    const time = nowSeconds();
    const root = this.root.memory();
    if (root === undefined || root === 0) return undefined;
    const children: ChildSample[] = [];
    let total = root;
    if (this.options.followTree) {
      if (this.samples % this.options.discoverEvery === 0) this.discover(this.discoveries++ % this.options.fullScanEvery === 0);
      for (let index = 1; index < this.tree.length; index++) {
        const pid = this.tree[index];
        const bytes = this.handles.get(pid)?.memory();
        // A zombie (0) or a process gone since discovery has nothing to show.
        if (bytes === undefined || bytes === 0) continue;
        children.push({ pid, bytes });
        total += bytes;
      }
    }
    this.samples++;
    return { time, root, children, total };
  }

  private discover(fullScan: boolean): void {
    let byScan: Map<number, number[]> | undefined;
    let changed = false;
    if (this.root.canListChildren) {
      // One read per process; the tree is rebuilt only when some process' list of children changed.
      for (const pid of this.tree) {
        const list = this.handles.get(pid)?.children(fullScan);
        if (list !== undefined && list !== this.lists.get(pid)) {
          this.lists.set(pid, list);
          changed = true;
        }
      }
    } else if (fullScan) {
      // Without `children` files, only a scan of all processes finds children: not on every sample.
      byScan = childrenByScan();
      changed = true;
    }
    if (!changed) return;
    const tree = [this.rootPid];
    const seen = new Set(tree);
    for (let index = 0; index < tree.length; index++) {
      const parent = tree[index];
      let kids: readonly number[] | undefined = byScan ? byScan.get(parent) : this.lists.get(parent);
      if (!byScan && kids === undefined) {
        kids = this.handles.get(parent)?.children(fullScan) ?? [];
        this.lists.set(parent, kids);
      }
      for (const kid of kids ?? []) {
        if (seen.has(kid)) continue;
        if (!this.handles.has(kid)) {
          const handle = ProcessHandle.open(kid, this.options.backend);
          if (!handle) continue;
          this.handles.set(kid, handle);
        }
        seen.add(kid);
        tree.push(kid);
      }
    }
    // Processes that left the tree (exited, or re-parented away) are closed.
    for (const [pid, handle] of this.handles) {
      if (!seen.has(pid)) {
        handle.close();
        this.handles.delete(pid);
        this.lists.delete(pid);
      }
    }
    this.tree = tree;
  }

  close(): void {
    for (const handle of this.handles.values()) handle.close();
    this.handles.clear();
  }
}
