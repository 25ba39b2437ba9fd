// Recording without /proc (macOS, Windows; or MEMPROF_RECORD_SAMPLING=self on Linux): every Node
// process of the recorded tree samples its own resident set off its main thread, in a worker thread
// of its own, and appends its lines to the recording: the recorded process MEM lines, the others CHLD
// lines (with -M). A busy main thread does not delay the samples. The worker is unreferenced (it
// never keeps the program alive) and the main thread writes a last sample at exit.
import { isMainThread, Worker } from 'node:worker_threads';
import { RECORD_ENV } from '../shared/record-channel';
import { chldLine, memLine } from '../shared/dat-lines';
import { BYTES_PER_MIB } from '../shared/units';
import { epochMs } from '../runtime/clock';
import { environment, primordials } from '../shared/primordials';

const { NumberCtor, fsOpenSync, fsWriteSync, processOn, processRss } = primordials;
const hrtimeNs = process.hrtime.bigint;

export interface SelfSampling {
  file: string;
  intervalSeconds: number;
  /** Epoch milliseconds after which no sample is taken (`memprof run --timeout`); Infinity without. */
  untilMs: number;
  /** Undefined for the recorded process (MEM lines); its pid for another one (CHLD lines). */
  childPid: number | undefined;
}

/** What this process should record of itself, or undefined (not asked, or not a line it writes). */
export function selfSamplingSettings(): SelfSampling | undefined {
  const file = environment(RECORD_ENV.file);
  const interval = NumberCtor(environment(RECORD_ENV.selfInterval));
  if (!file || !(interval > 0) || !isMainThread) return undefined;
  const recorded = process.ppid === NumberCtor(environment(RECORD_ENV.parent));
  if (!recorded && environment(RECORD_ENV.multiprocess) !== '1') return undefined;
  const until = NumberCtor(environment(RECORD_ENV.selfUntil));
  return { file, intervalSeconds: interval, untilMs: until > 0 ? until : Infinity, childPid: recorded ? undefined : process.pid };
}

export function line(settings: SelfSampling, rssBytes: number, epochSeconds: number): string {
  const mib = rssBytes / BYTES_PER_MIB;
  return settings.childPid === undefined ? memLine(mib, epochSeconds) : chldLine(settings.childPid, mib, epochSeconds);
}

/**
 * The worker's timestamps on this thread's clock: a thread's `performance.timeOrigin` is its own
 * start, taken from the wall clock, so the worker's epoch and this thread's (the sample at exit) could
 * differ by a fraction of a millisecond, and the last sample came out earlier than the one before it
 * (record.test.ts saw it once). Both count from one instant of the process-wide monotonic clock.
 */
export interface ClockAnchor {
  epochMs: number;
  hrtimeNs: bigint;
}

export function startSelfSampling(): void {
  const settings = selfSamplingSettings();
  if (!settings) return;
  const anchor: ClockAnchor = { hrtimeNs: hrtimeNs(), epochMs: epochMs() };
  const worker = new Worker(`${__dirname}/self-sampler-worker.js`, { workerData: { settings, anchor }, stdout: false, stderr: false });
  worker.unref();
  // The worker's errors (an unwritable file) end its sampling, not the program.
  worker.on('error', () => undefined);
  const fd = fsOpenSync(settings.file, 'a');
  processOn(process, 'exit', () => {
    const now = epochMs();
    if (now > settings.untilMs) return;
    try {
      fsWriteSync(fd, line(settings, processRss(), now / 1000));
    } catch {
      // The recording is gone or full: the samples written before stay.
    }
  });
}
