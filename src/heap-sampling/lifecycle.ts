// When this thread's profile is written. The main thread: at exit; on SIGINT, SIGTERM and SIGHUP (a
// signal nobody else listens to would end the process without an 'exit' event: the profile is written,
// then the signal raised again so that the process still ends by it); on the snapshot signal. Worker
// threads (which receive no signals): at their own exit, and when the main thread asks (./threads.ts).
import { isMainThread } from 'node:worker_threads';
import { primordials } from '../shared/primordials';
import { HeapSampler } from './sampler';
import { ProfileWriter } from './profile-writer';
import { heapSamplingSettings, HeapSamplingSettingsError } from './settings';
import { ThreadChannel } from './threads';
import { wrapWorkers } from './workers';

const { processOn, stderrWrite } = primordials;

const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

// Taken before the program can replace them.
const listenerCount = process.listenerCount.bind(process);
const removeListener = process.removeListener.bind(process);
const kill = process.kill.bind(process);

export function sampleThisThread(): void {
  let settings;
  try {
    settings = heapSamplingSettings(process.env);
  } catch (error) {
    if (!(error instanceof HeapSamplingSettingsError)) throw error;
    stderrWrite(`${error.message}\n`);
    process.exit(2);
  }
  if (!settings) return;
  const writer = new ProfileWriter(new HeapSampler(settings.interval, settings.kind), settings);
  const channel = new ThreadChannel(writer);
  wrapWorkers(settings, channel);

  if (!isMainThread) {
    processOn(process, 'exit', () => {
      writer.writeFinal('exit');
      channel.goodbye();
    });
    return;
  }
  const end = (reason: 'exit' | 'signal'): void => {
    channel.collectWorkerProfiles();
    writer.writeFinal(reason);
  };
  processOn(process, 'exit', () => end('exit'));
  for (const signal of ENDING_SIGNALS) {
    const onSignal = (): void => {
      end('signal');
      // Others listen: the program decides what the signal does (its exit writes the profile again).
      if (listenerCount(signal) > 1) return;
      removeListener(signal, onSignal);
      kill(process.pid, signal);
    };
    processOn(process, signal, onSignal);
  }
  processOn(process, settings.signal, () => {
    channel.snapshotWorkers();
    writer.writeSnapshot();
  });
}
