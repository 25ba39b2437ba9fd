// Samples the memory of a process and, when asked, of its whole tree of descendants, from /proc.
// The tree is re-discovered every `discoverEvery` samples through the main thread's `children` file
// (one read per process); every `fullScanEvery` discoveries all threads are scanned too, to find
// children started from other threads (worker threads). New processes are opened once and then read
// with one pread per sample. The one process-tree sampler of memprof: `memprof run` and `attach`, and
// memoryUsage() of a pid, a command, or (from a sampling process) a function.
import { epochSeconds } from '../shared/units';
import type { Backend } from './proc/backends';
import { ProcessHandle } from './proc/handles';
import { childrenByScan } from './proc/scans';

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
  /** Seconds between samples: sets how often the tree is searched (discoveryCadence). */
  interval: number;
  /** A descendant never to follow, nor its own descendants: a sampling process leaves itself out. */
  leaveOut?: number;
}

export interface DiscoveryCadence {
  /** Look for new (and gone) processes every this many samples (1 = on every sample). */
  discoverEvery: number;
  /** Scan every thread for children every this many discoveries (1 = always). */
  fullScanEvery: number;
}

/**
 * How often the tree is searched for new processes: on every sample down to 0.05 s intervals, then
 * every 0.05 s (each search costs one read per process); all threads every 0.5 s.
 */
export function discoveryCadence(interval: number): DiscoveryCadence {
  const discoverEvery = Math.max(1, Math.floor(0.05 / interval + 1e-9));
  return { discoverEvery, fullScanEvery: Math.max(1, Math.round(0.5 / (interval * discoverEvery))) };
}

export class TreeSampler {
  private readonly handles = new Map<number, ProcessHandle>();
  /** Each process' children as last read (arrays are reused by ProcessHandle while unchanged). */
  private readonly lists = new Map<number, readonly number[]>();
  private readonly root: ProcessHandle;
  private readonly cadence: DiscoveryCadence;
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
    this.cadence = discoveryCadence(options.interval);
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
    const time = epochSeconds();
    const root = this.root.memory();
    if (root === undefined || root === 0) return undefined;
    const children: ChildSample[] = [];
    let total = root;
    if (this.options.followTree) {
      if (this.samples % this.cadence.discoverEvery === 0) this.discover(this.discoveries++ % this.cadence.fullScanEvery === 0);
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
        if (seen.has(kid) || kid === this.options.leaveOut) continue;
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
