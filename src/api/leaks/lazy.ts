// findLeaks() as the public API and the matchers reach it: the leak finder's modules (the inspector,
// snapshots, attribution) load on its first call, so that a program that only profiles loads nothing
// of them, and its figures stay what they were before the leak finder existed.
import type * as LeakFinder from './find-leaks';

let loaded: typeof LeakFinder | undefined;

function leakFinder(): typeof LeakFinder {
  loaded ??= require('./find-leaks') as typeof LeakFinder;
  return loaded;
}

export const findLeaks = ((fn: () => unknown, options?: LeakFinder.FindLeaksOptions) => leakFinder().findLeaks(fn, options)) as typeof LeakFinder.findLeaks;
export type { FindLeaksOptions } from './find-leaks';
