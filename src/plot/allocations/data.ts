// What the flame graph report is drawn from, built in Node from the profiles that were read (and
// source-mapped): every profile's call tree as flat lists, and one table of frames for all of them.
// Embedded as JSON in the HTML page, where the browser builds its views from it (./flame-tree.ts).
import type { AllocationProfile } from '../../allocations/profile-files';
import type { FrameKind } from '../../allocations/frames';
import type { ProfileKind, WriteReason } from '../../heap-sampling/profile-format';

export interface FrameData {
  name: string;
  file: string;
  line: number;
  kind: FrameKind;
  package?: string;
  /** `file:line:column` V8 ran, when a source map moved the frame. */
  generated?: string;
}

export interface ProfileData {
  pid: number;
  ppid: number;
  threadId: number;
  argv: string[];
  kind: ProfileKind;
  reason: WriteReason;
  snapshot?: number;
  samplingInterval: number;
  startedAt: number;
  writtenAt: number;
  totalBytes: number;
  totalSamples: number;
  /** The call tree, one entry per node in each list; node 0 is the root, a node comes after its parent. */
  frame: number[];
  parent: number[];
  selfBytes: number[];
  selfSamples: number[];
}

export interface AllocationData {
  title: string;
  frames: FrameData[];
  profiles: ProfileData[];
}

/** The report's data; `profiles` each with frames of their own (source-mapped or not). */
export function buildAllocationData(profiles: readonly AllocationProfile[], title: string): AllocationData {
  const frames: FrameData[] = [];
  const index = new Map<string, number>();
  const frameId = (frame: AllocationProfile['frames'][number]): number => {
    const data: FrameData = {
      name: frame.name,
      file: frame.file,
      line: frame.line,
      kind: frame.kind,
      ...(frame.package !== undefined ? { package: frame.package } : {}),
      ...(frame.generated !== undefined ? { generated: frame.generated } : {}),
    };
    const key = JSON.stringify(data);
    let id = index.get(key);
    if (id === undefined) {
      id = frames.push(data) - 1;
      index.set(key, id);
    }
    return id;
  };
  return {
    title,
    frames,
    profiles: profiles.map((profile) => {
      const ids = profile.frames.map(frameId);
      const { meta } = profile;
      return {
        pid: meta.pid,
        ppid: meta.ppid,
        threadId: meta.threadId,
        argv: meta.argv,
        kind: meta.kind,
        reason: meta.reason,
        ...(meta.snapshot !== undefined ? { snapshot: meta.snapshot } : {}),
        samplingInterval: meta.samplingInterval,
        startedAt: meta.startedAt,
        writtenAt: meta.writtenAt,
        totalBytes: profile.totalBytes,
        totalSamples: profile.totalSamples,
        frame: profile.nodes.map((node) => ids[node.frame]),
        parent: profile.nodes.map((node) => node.parent),
        selfBytes: profile.nodes.map((node) => Math.round(node.selfBytes)),
        selfSamples: profile.nodes.map((node) => node.selfSamples),
      };
    }),
  };
}
