// Reading the heap profiles a recording left (src/heap-sampling/profile-writer.ts writes them): find
// them from what the user named (a recording, a profile folder, profile files), check them, and turn
// each into an AllocationProfile: a table of frames and a flat call tree (node 0 the root, every node
// after its parent), with the bytes and samples of each node. The files come from disk: anything that
// is not what the writer writes is a one-line error naming the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  parseProfileFileName,
  PROFILE_EXTENSION,
  profileFolderFor,
  type ProfileKind,
  type ProfileMeta,
  type V8CallFrame,
  type WriteReason,
} from '../heap-sampling/profile-format';
import { frameOf, type Frame } from './frames';

export class AllocationsError extends Error {}

export interface StackNode {
  /** Index in the profile's frames. */
  frame: number;
  /** Index of the parent node; -1 for the root. */
  parent: number;
  /** Bytes sampled in this frame itself (V8's estimate of what the samples stand for). */
  selfBytes: number;
  /** Samples taken in this frame itself. */
  selfSamples: number;
}

export interface AllocationProfile {
  /** The file it was read from. */
  path: string;
  meta: ProfileMeta;
  frames: Frame[];
  /** nodes[0] is the root; a node comes after its parent. */
  nodes: StackNode[];
  totalBytes: number;
  totalSamples: number;
}

const KINDS: readonly ProfileKind[] = ['allocated', 'live'];
const REASONS: readonly WriteReason[] = ['exit', 'signal', 'snapshot', 'terminated', 'main-thread-exit'];

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function profilesIn(folder: string, named: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw new AllocationsError(`cannot read ${named}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return names
    .filter((name) => parseProfileFileName(name))
    .sort(byProcessThenSnapshot)
    .map((name) => join(folder, name));
}

/** Main thread first, then threads; the profile at the end before the snapshots, snapshots in order. */
function byProcessThenSnapshot(a: string, b: string): number {
  const x = parseProfileFileName(a)!;
  const y = parseProfileFileName(b)!;
  return x.pid - y.pid || x.threadId - y.threadId || (x.snapshot ?? 0) - (y.snapshot ?? 0);
}

/**
 * The profile files of each input: a recording (`.dat`: its `.heapprofiles` folder), a folder of
 * profiles, or a `.heapprofile` file (any name). `at` makes a path of an input (relative to the cwd).
 */
export function profileFilesOf(inputs: readonly string[], at: (input: string) => string): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    const path = at(input);
    let found: string[];
    if (input.endsWith(PROFILE_EXTENSION) && !isDirectory(path)) found = [path];
    else if (isDirectory(path)) found = profilesIn(path, input);
    else {
      const folder = profileFolderFor(path);
      if (!isDirectory(folder)) {
        throw new AllocationsError(`${input} has no heap profiles (no ${basename(folder)} beside it): record with memprof run --heap-sampling`);
      }
      found = profilesIn(folder, basename(folder));
    }
    if (found.length === 0) throw new AllocationsError(`${input}: no heap profile in it (pid-<pid>.heapprofile files)`);
    for (const file of found) if (!files.includes(file)) files.push(file);
  }
  return files;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function checkMeta(value: unknown, fail: (what: string) => never): ProfileMeta {
  if (!isObject(value)) fail('no "memprof" object (not written by memprof run --heap-sampling)');
  const meta = value;
  if (meta.format !== 1) fail(`unknown format ${JSON.stringify(meta.format)}`);
  for (const field of ['pid', 'ppid', 'threadId', 'samplingInterval', 'startedAt', 'writtenAt'] as const) {
    if (!isCount(meta[field])) fail(`memprof.${field} is not a whole number`);
  }
  if (!KINDS.includes(meta.kind as ProfileKind)) fail(`memprof.kind must be allocated or live`);
  if (!REASONS.includes(meta.reason as WriteReason)) fail(`memprof.reason ${JSON.stringify(meta.reason)} is unknown`);
  if (!Array.isArray(meta.argv) || !meta.argv.every((arg) => typeof arg === 'string')) fail('memprof.argv is not a list of strings');
  if (meta.snapshot !== undefined && !isCount(meta.snapshot)) fail('memprof.snapshot is not a whole number');
  return { ...(meta as unknown as ProfileMeta), node: typeof meta.node === 'string' ? meta.node : '' };
}

function checkCallFrame(value: unknown, fail: (what: string) => never): V8CallFrame {
  if (!isObject(value)) fail('a node has no callFrame');
  const { functionName, url, lineNumber, columnNumber } = value;
  if (typeof functionName !== 'string' || typeof url !== 'string' || typeof lineNumber !== 'number' || typeof columnNumber !== 'number') {
    fail('a callFrame lacks functionName, url, lineNumber or columnNumber');
  }
  return { functionName, url, lineNumber, columnNumber, scriptId: String(value.scriptId ?? '') };
}

/** Reads and checks one profile file. */
export function readAllocationProfile(path: string): AllocationProfile {
  const fail = (what: string): never => {
    throw new AllocationsError(`${path}: ${what}`);
  };
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) fail(`cannot read it: ${(error as NodeJS.ErrnoException).code}`);
    fail(`not JSON (${(error as Error).message})`);
  }
  if (!isObject(document)) fail('not a heap profile');
  const meta = checkMeta((document as Record<string, unknown>).memprof, fail);
  const { head, samples } = document as Record<string, unknown>;
  if (!isObject(head)) fail('no "head" node');
  if (!Array.isArray(samples)) fail('no "samples" list');

  const samplesByNode = new Map<number, number>();
  for (const sample of samples as unknown[]) {
    if (!isObject(sample) || typeof sample.nodeId !== 'number') fail('a sample has no nodeId');
    const { nodeId } = sample as { nodeId: number };
    samplesByNode.set(nodeId, (samplesByNode.get(nodeId) ?? 0) + 1);
  }

  const frames: Frame[] = [];
  const frameIndex = new Map<string, number>();
  const nodes: StackNode[] = [];
  let totalBytes = 0;
  let totalSamples = 0;
  // Depth first without recursion: a file could nest deeper than the stack.
  const pending: Array<{ node: unknown; parent: number }> = [{ node: head, parent: -1 }];
  while (pending.length > 0) {
    const { node, parent } = pending.pop()!;
    if (!isObject(node)) fail('a node is not an object');
    const { selfSize, id, children } = node as Record<string, unknown>;
    if (typeof selfSize !== 'number' || !(selfSize >= 0) || typeof id !== 'number') fail('a node lacks selfSize or id');
    const frame = frameOf(checkCallFrame((node as Record<string, unknown>).callFrame, fail));
    const key = `${frame.name}\u0000${frame.file}\u0000${frame.line}\u0000${frame.column}`;
    let index = frameIndex.get(key);
    if (index === undefined) {
      index = frames.push(frame) - 1;
      frameIndex.set(key, index);
    }
    const selfSamples = samplesByNode.get(id as number) ?? 0;
    nodes.push({ frame: index, parent, selfBytes: selfSize as number, selfSamples });
    totalBytes += selfSize as number;
    totalSamples += selfSamples;
    if (children !== undefined && !Array.isArray(children)) fail('a node\'s children is not a list');
    const self = nodes.length - 1;
    const list = (children ?? []) as unknown[];
    for (let child = list.length - 1; child >= 0; child--) pending.push({ node: list[child], parent: self });
  }
  return { path, meta, frames, nodes, totalBytes, totalSamples };
}

/**
 * One profile per thread: the last one written. A thread's profiles are cumulative (allocated) or
 * states (live): adding a snapshot to the profile written at exit would count its samples twice.
 */
export function latestPerThread(profiles: readonly AllocationProfile[]): AllocationProfile[] {
  const latest = new Map<string, AllocationProfile>();
  for (const profile of profiles) {
    const key = `${profile.meta.pid}:${profile.meta.threadId}`;
    const seen = latest.get(key);
    if (!seen || profile.meta.writtenAt > seen.meta.writtenAt) latest.set(key, profile);
  }
  return [...latest.values()];
}
