// What a heap profile file is, for the process that writes it (./profile-writer.ts) and memprof's
// commands that read it (src/allocations/profile-files.ts): a leaf, importing nothing.
//
// A file is V8's sampling heap profile as the inspector gives it (`head`, `samples`: what Chrome
// DevTools opens as a `.heapprofile`), plus memprof's `memprof` object saying whose it is and how it
// was taken. One file per thread of each process: `pid-<pid>.heapprofile` for the main thread,
// `pid-<pid>-thread-<id>.heapprofile` for a worker thread, and `.snapshot-<n>` before the extension
// for the n-th snapshot taken on demand.

/** V8's and `node --heap-prof`'s default: 512 KiB between samples, on average. */
export const DEFAULT_SAMPLING_INTERVAL = 512 * 1024;

/** Node's own diagnostic signal (`--report-signal`, `--heapsnapshot-signal`); SIGUSR1 is its inspector's. */
export const DEFAULT_SNAPSHOT_SIGNAL = 'SIGUSR2';

/**
 * The signals a snapshot may be asked with. SIGUSR2 unless a process manager already uses it (nodemon
 * does); SIGURG's default is to do nothing, so a process that has no sampler is not killed by it.
 */
export const SNAPSHOT_SIGNALS = ['SIGUSR2', 'SIGURG', 'SIGPWR'] as const;

export const PROFILE_EXTENSION = '.heapprofile';

/**
 * `allocated`: every sampled object, whether a collection freed it later or not (V8's
 * includeObjectsCollectedByMajorGC/MinorGC flags). `live`: only the sampled objects still alive when
 * the profile is written (V8's default). One V8 sampler runs per thread, so a thread records one kind.
 */
export type ProfileKind = 'allocated' | 'live';

/** Why the profile was written. */
export type WriteReason = 'exit' | 'signal' | 'snapshot' | 'terminated' | 'main-thread-exit';

/** A frame as V8 reports it: lines and columns from 0; url a path, a file: URL, `node:...` or ''. */
export interface V8CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface V8ProfileNode {
  callFrame: V8CallFrame;
  /** Bytes sampled here, scaled to what the samples stand for. */
  selfSize: number;
  id: number;
  children: V8ProfileNode[];
}

export interface V8Sample {
  /** Bytes this sample stands for (its object's size times the allocations it represents). */
  size: number;
  nodeId: number;
  ordinal: number;
}

export interface ProfileMeta {
  format: 1;
  pid: number;
  ppid: number;
  /** 0 for the main thread. */
  threadId: number;
  argv: string[];
  node: string;
  kind: ProfileKind;
  samplingInterval: number;
  reason: WriteReason;
  /** The n-th snapshot taken on demand; absent for the profile written when the thread ended. */
  snapshot?: number;
  /** Epoch milliseconds. */
  startedAt: number;
  writtenAt: number;
}

export interface HeapProfileDocument {
  memprof: ProfileMeta;
  head: V8ProfileNode;
  samples: V8Sample[];
}

export interface ProfileName {
  pid: number;
  threadId: number;
  snapshot?: number;
}

export function profileFileName({ pid, threadId, snapshot }: ProfileName): string {
  return `pid-${pid}${threadId > 0 ? `-thread-${threadId}` : ''}${snapshot !== undefined ? `.snapshot-${snapshot}` : ''}${PROFILE_EXTENSION}`;
}

const NAME = /^pid-(\d+)(?:-thread-(\d+))?(?:\.snapshot-(\d+))?\.heapprofile$/;

/** The parts of a name `profileFileName` made; undefined for any other name. */
export function parseProfileFileName(name: string): ProfileName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  return { pid: Number(match[1]), threadId: match[2] ? Number(match[2]) : 0, ...(match[3] ? { snapshot: Number(match[3]) } : {}) };
}

/** The folder of a recording's profiles: beside it, `mprofile_<stamp>.heapprofiles` for `mprofile_<stamp>.dat`. */
export function profileFolderFor(recording: string): string {
  return `${recording.replace(/\.dat$/i, '')}.heapprofiles`;
}
