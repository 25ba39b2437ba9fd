// `memprof/vitest/setup` (vitest.config: test.setupFiles: ['memprof/vitest/setup']): adds memory
// matchers to Vitest's expect. An ES module, so that it imports the very `vitest` the runner uses.
import { expect } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { memoryMatchers } = require('../testing/matchers.js') as typeof import('../testing/matchers.js');

expect.extend(memoryMatchers);

type ByteAmount = number | string;

declare module 'vitest' {
  interface Assertion<T> {
    /** The call's peak memory (V8 heap used + external) above its starting memory is at most `limit`. */
    toAllocateAtMost(limit: ByteAmount): T extends (...args: never[]) => Promise<unknown> ? Promise<void> : void;
    /** What the call leaves live after a full GC (its return value included) is at most `limit`. */
    toRetainAtMost(limit: ByteAmount): T extends (...args: never[]) => Promise<unknown> ? Promise<void> : void;
  }
}
