// `memprof/jest/setup` (jest.config: setupFilesAfterEnv: ['memprof/jest/setup']): adds memory
// matchers to Jest's expect, and measures every test against the limits package.json sets
// ("memprof": { "eachTest": { "allocateAtMost": ..., "retainAtMost": ... } }, see testing/test-limits.ts):
//   expect(fn).toAllocateAtMost('50 MiB')      bytes the call allocated, whatever the GC reclaimed
//   await expect(asyncFn).toRetainAtMost(0)    heap still live after the call and a full GC
//   expect(fn).toNotLeak()                     repeated calls do not keep more and more memory alive
import { memoryMatchers } from '../testing/matchers';
import { installTestLimits } from '../testing/test-limits';
import type { FindLeaksOptions } from '../testing/matchers';
import type {} from 'expect';

interface JestGlobals {
  expect: { extend(matchers: object): void };
  beforeEach(fn: () => void): void;
  afterEach(fn: () => void): void;
}

// With injectGlobals: false there are no globals; @jest/globals has the same ones.
const globals = (globalThis as { expect?: unknown }).expect ? (globalThis as unknown as JestGlobals) : (require('@jest/globals') as JestGlobals);
globals.expect.extend(memoryMatchers);
installTestLimits(globals, process.cwd());

type ByteAmount = number | string;

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** What the call allocated (V8 heap used + external), whatever the GC reclaimed meanwhile, is at most `limit`. */
    toAllocateAtMost(limit: ByteAmount): R;
    /** What the call leaves live after a full GC (its return value included) is at most `limit`. */
    toRetainAtMost(limit: ByteAmount): R;
    /** Calling the function again and again does not keep more and more memory alive (findLeaks()). */
    toNotLeak(options?: FindLeaksOptions): R;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toAllocateAtMost(limit: ByteAmount): R;
      toRetainAtMost(limit: ByteAmount): R;
      toNotLeak(options?: FindLeaksOptions): R;
    }
  }
}
