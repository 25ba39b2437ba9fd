// V8 compiles a function to baseline (Sparkplug) code, with its feedback vector, once it has run for
// a while, and by default in batches: a batch is compiled when enough functions are queued, at the
// moment the last of them comes. Both allocate a few KiB of old space, which landed on whatever line
// of the user's was running: memprof's own sampling functions compiled in the user's first calls,
// memprof's table code (queued while it printed the previous call) compiled on a line of the next.
// `return rows.length` showed 2 to 30 KiB in up to one first call in four (test/first-calls.test.ts).
// So memprof's functions are compiled as soon as the warm-up first runs them, and later baseline
// compiles happen one function at a time, each when that function runs: memprof's in memprof's own
// work, the program's on its own lines. Tuning flags: they change when code is compiled, not what
// the program does.
import * as v8 from 'node:v8';
import { primordials } from '../shared/primordials';

// Taken when memprof loads: the program may replace them. A flag the user gave node stays as given.
const { setFlagsFromString } = v8;
// This module loads with the runtime, possibly after the program replaced Array and RegExp methods.
const { RegExpPrototypeExec } = primordials;
const userSetsBatches = givenToNode(/baseline[-_]batch[-_]compilation/);
const userSetsEager = givenToNode(/always[-_]sparkplug/);

function givenToNode(flag: RegExp): boolean {
  const args = process.execArgv;
  for (let index = 0; index < args.length; index++) if (RegExpPrototypeExec(flag, args[index]) !== null) return true;
  return false;
}

function setFlag(flag: string): boolean {
  try {
    setFlagsFromString(flag);
    return true;
  } catch {
    // Flags frozen by the embedder: compiling stays as V8 decides, and so does the noise.
    return false;
  }
}

/** Runs `warmUp` (memprof's first run of its own functions) with each function compiled to baseline code at once. */
export function compileOwnCodeEagerly(warmUp: () => void): void {
  if (!userSetsBatches) setFlag('--no-baseline-batch-compilation');
  const eager = !userSetsEager && setFlag('--always-sparkplug');
  try {
    warmUp();
  } finally {
    if (eager) setFlag('--no-always-sparkplug');
  }
}
