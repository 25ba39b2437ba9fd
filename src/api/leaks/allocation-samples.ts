// Every allocation of a watched stretch, in order, with its stack: V8's sampling heap profiler with a
// sampling interval of one byte samples each allocation, numbers it (`ordinal`, in allocation order),
// and reports those still alive when the profile is read. Stacks name functions only (where each
// starts), which line-marks.ts makes up for.
import type { InspectorSession } from './inspector';

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based line and column where the function starts (-1 for builtins). */
  lineNumber: number;
  columnNumber: number;
}

export interface AllocationSample {
  /** Allocation order, unique while sampling runs. */
  ordinal: number;
  sizeBytes: number;
  /** Innermost first. */
  stack: CallFrame[];
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children: ProfileNode[];
}

interface SamplingProfile {
  head: ProfileNode;
  samples: Array<{ size: number; nodeId: number; ordinal: number }>;
}

export function startSampling(session: InspectorSession): void {
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', { samplingInterval: 1 });
}

export function stopSampling(session: InspectorSession): void {
  session.post('HeapProfiler.stopSampling');
}

/** The allocations still alive (collect garbage first), in allocation order. */
export function liveSamples(session: InspectorSession): AllocationSample[] {
  const { profile } = session.post<{ profile: SamplingProfile }>('HeapProfiler.getSamplingProfile');
  const stacks = new Map<number, CallFrame[]>();
  const walk = (node: ProfileNode, parent: CallFrame[]): void => {
    // The root node is not a frame.
    const stack = node === profile.head ? parent : [node.callFrame, ...parent];
    stacks.set(node.id, stack);
    for (const child of node.children) walk(child, stack);
  };
  walk(profile.head, []);
  return profile.samples
    .map((sample) => ({ ordinal: sample.ordinal, sizeBytes: sample.size, stack: stacks.get(sample.nodeId) ?? [] }))
    .sort((a, b) => a.ordinal - b.ordinal);
}
