// `memprof/vitest/setup` (vitest.config: test.setupFiles: ['memprof/vitest/setup']): adds memory
// matchers to Vitest's expect, and measures every test against the limits package.json sets
// ("memprof": { "eachTest": { "allocateAtMost": ..., "retainAtMost": ... } }, see testing/test-limits.ts).
// An ES module, so that it imports the very `vitest` the runner uses.
import { afterEach, beforeEach, expect } from 'vitest';
import { createRequire } from 'node:module';
import type { FindLeaksOptions } from '../testing/matchers.js';

const require = createRequire(import.meta.url);
const { memoryMatchers } = require('../testing/matchers.js') as typeof import('../testing/matchers.js');
const { installTestLimits } = require('../testing/test-limits.js') as typeof import('../testing/test-limits.js');

expect.extend(memoryMatchers);
installTestLimits({ beforeEach, afterEach }, process.cwd());

type ByteAmount = number | string;
type Settles<T> = T extends (...args: never[]) => Promise<unknown> ? Promise<void> : void;

declare module 'vitest' {
  interface Assertion<T> {
    /** What the call allocated (V8 heap used + external), whatever the GC reclaimed meanwhile, is at most `limit`. */
    toAllocateAtMost(limit: ByteAmount): Settles<T>;
    /** What the call leaves live after a full GC (its return value included) is at most `limit`. */
    toRetainAtMost(limit: ByteAmount): Settles<T>;
    /** Calling the function again and again does not keep more and more memory alive (findLeaks()). */
    toNotLeak(options?: FindLeaksOptions): Settles<T>;
  }
}
