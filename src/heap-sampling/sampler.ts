// V8's sampling heap profiler of this thread, through an inspector session of its own. The session
// is this thread's (in a worker thread, the worker's), and `post` answers before it returns, so the
// profile can be read inside an 'exit' listener.
//
// V8 names a frame (its file, line and column) only when the profile is read, from the scripts still
// in the heap: a script whose functions are all gone by then (a main module whose top level has run
// and left nothing behind, say) comes out nameless. So the profile is also read now and then while the
// program runs (right after the main module's top level, then at growing intervals), and the frames
// named then are remembered (node ids do not change while sampling goes on) for those that come out
// nameless at the end.
import { Session } from 'node:inspector';
import { setImmediate, setTimeout } from 'node:timers';
import { append, primordials } from '../shared/primordials';
import type { ProfileKind, V8CallFrame, V8ProfileNode, V8Sample } from './profile-format';

// The profile is read at exit and on signals, while the program's replaced methods are in place.
const { SafeMap } = primordials;

export interface SampledProfile {
  head: V8ProfileNode;
  samples: V8Sample[];
}

/** Seconds between the reads that remember frames: doubling up to the last. */
const REMEMBER_AFTER = [1, 2, 4, 8, 16, 30];

const nameless = (frame: V8CallFrame): boolean => frame.url === '' && frame.lineNumber < 0 && frame.scriptId !== '0';

export class HeapSampler {
  private readonly session = new Session();
  private readonly frames: Map<number, V8CallFrame> = new SafeMap();

  constructor(interval: number, kind: ProfileKind) {
    this.session.connect();
    this.post('HeapProfiler.enable');
    // V8 11.3 (Node 20) has both flags; without them it keeps only the samples of live objects.
    const collectedToo = kind === 'allocated';
    this.post('HeapProfiler.startSampling', {
      samplingInterval: interval,
      includeObjectsCollectedByMajorGC: collectedToo,
      includeObjectsCollectedByMinorGC: collectedToo,
    });
    this.scheduleReads();
  }

  /** The profile so far, frames named where they ever were; sampling goes on. */
  profile(): SampledProfile {
    const profile = this.read();
    this.walk(profile.head, (node) => {
      if (nameless(node.callFrame)) node.callFrame = this.frames.get(node.id) ?? node.callFrame;
    });
    return profile;
  }

  private scheduleReads(): void {
    setImmediate(() => this.remember()).unref();
    const next = (step: number): void => {
      const delay = REMEMBER_AFTER[Math.min(step, REMEMBER_AFTER.length - 1)];
      setTimeout(() => {
        this.remember();
        next(step + 1);
      }, delay * 1000).unref();
    };
    next(0);
  }

  private remember(): void {
    this.walk(this.read().head, (node) => {
      if (!nameless(node.callFrame) && !this.frames.has(node.id)) this.frames.set(node.id, node.callFrame);
    });
  }

  private read(): SampledProfile {
    return (this.post('HeapProfiler.getSamplingProfile') as { profile: SampledProfile }).profile;
  }

  private walk(head: V8ProfileNode, visit: (node: V8ProfileNode) => void): void {
    // A stack without Array methods.
    const pending: V8ProfileNode[] = [head];
    while (pending.length > 0) {
      const node = pending[pending.length - 1];
      pending.length--;
      visit(node);
      for (let index = 0; index < node.children.length; index++) append(pending, node.children[index]);
    }
  }

  private post(method: string, params?: object): unknown {
    let answered = false;
    let failure: Error | null = null;
    let result: unknown;
    this.session.post(method, params, (error, value) => {
      answered = true;
      failure = error;
      result = value;
    });
    if (failure) throw failure;
    if (!answered) throw new Error(`the inspector did not answer ${method} at once`);
    return result;
  }
}
