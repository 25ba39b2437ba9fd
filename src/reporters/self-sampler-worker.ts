// The thread that samples its process' resident set for a recording without /proc (self-sampler.ts).
// It runs in a realm of its own: nothing the program did to its globals reaches it.
import { workerData } from 'node:worker_threads';
import { openSync, writeSync } from 'node:fs';
import { line, type ClockAnchor, type SelfSampling } from './self-sampler';

const { settings, anchor } = workerData as { settings: SelfSampling; anchor: ClockAnchor };
const fd = openSync(settings.file, 'a');
const sample = (): void => {
  // The main thread's clock (see ClockAnchor), so that its sample at exit comes after these.
  const nowMs = anchor.epochMs + Number(process.hrtime.bigint() - anchor.hrtimeNs) / 1e6;
  // Past `memprof run --timeout`: the recording has stopped.
  if (nowMs > settings.untilMs) {
    clearInterval(timer);
    return;
  }
  writeSync(fd, line(settings, process.memoryUsage.rss(), nowMs / 1000));
};
const timer = setInterval(sample, settings.intervalSeconds * 1000);
sample();
