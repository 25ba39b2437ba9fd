// The threads of one process, each running its own sampler (one V8 heap per thread), agree through a
// BroadcastChannel: worker threads say hello and goodbye; the main thread, which alone receives
// signals, passes snapshot requests on; before a worker is stopped from outside (terminate(), or the
// main thread exiting, which stops every worker without running their 'exit' listeners), it is asked
// to write its profile first.
import { clearTimeout, setTimeout } from 'node:timers';
import { isMainThread, threadId } from 'node:worker_threads';
import { primordials } from '../shared/primordials';
import type { ProfileWriter } from './profile-writer';

// Taken when the hook loads: a program's fake clock or timers must not stop an exit or a terminate(),
// nor its replaced Map methods lose a worker.
const now = Date.now;
const { MathMax, SafeMap } = primordials;

const CHANNEL_NAME = 'memprof:heap-sampling';

/** How long a worker busy in synchronous code may hold up the process' exit, or a terminate(). */
export const WORKER_ANSWER_MS = 2000;

type Message =
  | { type: 'hello' | 'bye'; threadId: number }
  /** From the main thread: every worker writes (a snapshot, or its profile as the process exits), then adds 1 to `written[0]`. */
  | { type: 'snapshot' | 'final-all'; written: SharedArrayBuffer }
  /** From thread `from`, about to terminate worker `threadId`; answered by `written`. */
  | { type: 'final-one'; threadId: number; from: number; request: number }
  | { type: 'written'; to: number; request: number };

export class ThreadChannel {
  private readonly channel = new BroadcastChannel(CHANNEL_NAME);
  /** Main thread: the worker threads running a sampler. */
  private readonly workers: Map<number, true> = new SafeMap();
  private readonly waiting: Map<number, () => void> = new SafeMap();
  private requests = 0;

  constructor(private readonly writer: ProfileWriter) {
    this.channel.onmessage = (event: unknown) => this.receive((event as { data: Message }).data);
    // Listening must not keep a thread alive that has nothing else to do.
    (this.channel as unknown as { unref(): void }).unref();
    if (!isMainThread) this.post({ type: 'hello', threadId });
  }

  /**
   * Main thread: every worker thread writes a snapshot too, before the main thread's own (whose file
   * is what `memprof snapshot` waits for).
   */
  snapshotWorkers(): void {
    this.askWorkers('snapshot');
  }

  /** Main thread, as the process ends: every worker writes its profile. */
  collectWorkerProfiles(): void {
    this.askWorkers('final-all');
  }

  /** Asks every worker and waits for them (they answer from their own event loops) at most WORKER_ANSWER_MS. */
  private askWorkers(type: 'snapshot' | 'final-all'): void {
    if (this.workers.size === 0) return;
    const written = new SharedArrayBuffer(4);
    const count = new Int32Array(written);
    this.post({ type, written });
    const deadline = now() + WORKER_ANSWER_MS;
    for (let seen = 0; seen < this.workers.size && now() < deadline; seen = Atomics.load(count, 0)) {
      Atomics.wait(count, 0, seen, MathMax(1, deadline - now()));
    }
  }

  /** Before worker `id` is terminated: resolves once it wrote its profile, or after WORKER_ANSWER_MS. */
  profileOfWorker(id: number): Promise<void> {
    const request = ++this.requests;
    return new Promise((resolve) => {
      const timer = setTimeout(done, WORKER_ANSWER_MS);
      const waiting = this.waiting;
      function done(): void {
        clearTimeout(timer);
        waiting.delete(request);
        resolve();
      }
      waiting.set(request, done);
      this.post({ type: 'final-one', threadId: id, from: threadId, request });
    });
  }

  /** Worker thread: it is ending by itself (its profile is written by its 'exit' listener). */
  goodbye(): void {
    this.post({ type: 'bye', threadId });
  }

  private receive(message: Message): void {
    switch (message.type) {
      case 'hello':
        if (isMainThread) this.workers.set(message.threadId, true);
        break;
      case 'bye':
        this.workers.delete(message.threadId);
        break;
      case 'snapshot':
      case 'final-all': {
        if (isMainThread) break;
        if (message.type === 'snapshot') this.writer.writeSnapshot();
        else this.writer.writeFinal('main-thread-exit');
        const count = new Int32Array(message.written);
        Atomics.add(count, 0, 1);
        Atomics.notify(count, 0);
        break;
      }
      case 'final-one':
        if (message.threadId !== threadId) break;
        this.writer.writeFinal('terminated');
        // Goodbye first: once `written` arrives, the worker is stopped, and what it sent after is lost.
        this.goodbye();
        this.post({ type: 'written', to: message.from, request: message.request });
        break;
      case 'written':
        if (message.to === threadId) this.waiting.get(message.request)?.();
        break;
    }
  }

  private post(message: Message): void {
    this.channel.postMessage(message);
  }
}
