// V8's sampling heap profiler of this thread, through an inspector session of its own. The session
// is this thread's (in a worker thread, the worker's), and `post` answers before it returns, so the
// profile can be read inside an 'exit' listener.
import { Session } from 'node:inspector';
import type { ProfileKind, V8ProfileNode, V8Sample } from './profile-format';

export interface SampledProfile {
  head: V8ProfileNode;
  samples: V8Sample[];
}

export class HeapSampler {
  private readonly session = new Session();

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
  }

  /** The profile so far; sampling goes on. */
  profile(): SampledProfile {
    return (this.post('HeapProfiler.getSamplingProfile') as { profile: SampledProfile }).profile;
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
