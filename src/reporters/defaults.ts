// The subscribers every entry point installs (register, the public API, what instrumented code
// loads): the table printer, the threshold stop, and, under `memprof run`, the recording-marker
// writer. Once per process, whichever copy of memprof gets here first.
import { addCallListenerOnce } from '../runtime/call-events';
import { tablePrinter } from './printer';
import { thresholdStop } from './threshold-stop';
import { recordingMarkers } from './recording-markers';
import { printTopLinesAtExit, topLines } from './top-lines';
import { printRequestAccountsAtExit, requestAccounts } from './requests';
import { environment, primordials } from '../shared/primordials';

const { NumberCtor, NumberIsInteger } = primordials;
const DEFAULT_TOP_LINES = 20;

export function installDefaultReporters(): void {
  addCallListenerOnce('table printer', tablePrinter);
  addCallListenerOnce('threshold stop', thresholdStop);
  const markers = recordingMarkers();
  if (markers) addCallListenerOnce('recording markers', () => markers);
  if (environment('MEMPROF_REQUESTS') === '1') {
    addCallListenerOnce('request accounts', () => {
      const listener = requestAccounts();
      printRequestAccountsAtExit(listener);
      return listener;
    });
  }
  const count = topLinesCount();
  if (count > 0) {
    addCallListenerOnce('top lines', () => {
      const listener = topLines(count);
      printTopLinesAtExit(listener);
      return listener;
    });
  }
}

/** MEMPROF_TOP_LINES=N, or 20 when MEMPROF_INCLUDE profiles whole files; 0: none. */
function topLinesCount(): number {
  const value = environment('MEMPROF_TOP_LINES');
  if (value !== undefined && value !== '') {
    const count = NumberCtor(value);
    return NumberIsInteger(count) && count > 0 ? count : 0;
  }
  return environment('MEMPROF_INCLUDE') ? DEFAULT_TOP_LINES : 0;
}
