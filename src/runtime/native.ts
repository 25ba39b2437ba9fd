// memprof's optional native addon (native/memprof.cc, built at install by node-gyp): counts what each
// garbage collection frees, as it happens, and reads the heap in about half the time of V8's statistics.
// Without it (no compiler at install, MEMPROF_NO_ADDON=1, another Node ABI) everything still works:
// the metrics fall back to V8's statistics and Allocated becomes an estimate (see metrics.ts).
import { setFlagsFromString } from 'node:v8';

export interface NativeAddon {
  /** V8's object spaces (new, old, large objects) + external memory, in bytes. */
  heap(): number;
  heapUsed(): number;
  external(): number;
  /** What the reads above leave out, for absolute values: [heap, heapUsed, external] in bytes. */
  calibrate(): [number, number, number];
  /** The ledger's counters modulo 2^32, updated by V8's GC callbacks too (see ledger.ts). */
  words: Int32Array;
  /** The same counters, unwrapped. */
  totals: Float64Array;
  abi: number;
}

const ABI = 2;

/** Where `npm install` (node-gyp) puts the addon, from dist/src/runtime/. */
// Concatenated, not path.join(): the runtime may load after the program replaced Array.prototype.push,
// which Node 20's path.join uses.
export const ADDON_PATH = `${__dirname}/../../../build/Release/memprof.node`;

export interface AddonStatus {
  addon: NativeAddon | undefined;
  /** Why there is none, for `memprof --version`-style diagnostics and the docs. */
  reason: string;
}

let status: AddonStatus | undefined;

export function nativeAddon(): AddonStatus {
  return (status ??= loadAddon());
}

function loadAddon(): AddonStatus {
  if (process.env.MEMPROF_NO_ADDON === '1') return { addon: undefined, reason: 'MEMPROF_NO_ADDON=1' };
  let addon: NativeAddon;
  try {
    addon = require(ADDON_PATH) as NativeAddon;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { addon: undefined, reason: code === 'MODULE_NOT_FOUND' ? 'not built at install' : `cannot load: ${(error as Error).message.split('\n')[0]}` };
  }
  if (addon.abi !== ABI || !(addon.words instanceof Int32Array) || !(addon.totals instanceof Float64Array)) {
    return { addon: undefined, reason: 'built by another version of memprof (reinstall it)' };
  }
  // V8 releases dead ArrayBuffers' memory on a background thread after a collection, so external
  // memory would drop later, at some unrelated line; swept inside the collection, the drop is counted
  // as that collection's. A GC tuning flag: it changes when memory is released, not what the program does.
  try {
    setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  } catch {
    // Flags frozen by the embedder: external frees are then seen as drops (still counted as freed).
  }
  return { addon, reason: 'loaded' };
}
