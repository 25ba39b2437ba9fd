// The subscribers every entry point installs (register, the public API, what instrumented code
// loads): the table printer, the threshold stop, and, under `memprof run`, the recording-marker
// writer. Once per process, whichever copy of memprof gets here first.
import { addCallListenerOnce } from '../runtime/call-events';
import { tablePrinter } from './printer';
import { thresholdStop } from './threshold-stop';
import { recordingMarkers } from './recording-markers';

export function installDefaultReporters(): void {
  addCallListenerOnce('table printer', tablePrinter);
  addCallListenerOnce('threshold stop', thresholdStop);
  const markers = recordingMarkers();
  if (markers) addCallListenerOnce('recording markers', () => markers);
}
