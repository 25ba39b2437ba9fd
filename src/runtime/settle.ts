// Garbage left by start-up (module loading, and memprof's own compiling) would otherwise be collected
// in the middle of the first profiled call, and show there as a line that "freed" memory or allocated
// less than it did. One full GC before the first profiled call removes it. Later calls are not
// touched: collecting on every call would cost too much and hide the program's real GC behaviour.
import { forceCollection } from './metrics';
import { environment } from '../shared/primordials';

let settled = false;

export function settleHeapBeforeFirstCall(): void {
  if (settled) return;
  settled = true;
  if (environment('MEMPROF_SETTLE') === '0') return;
  forceCollection();
}
