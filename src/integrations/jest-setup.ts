// `memprof/jest/setup` (jest.config: setupFilesAfterEnv: ['memprof/jest/setup']): adds memory
// matchers to Jest's expect:
//   expect(fn).toAllocateAtMost('50 MiB')      peak heap above the heap at the call's start
//   await expect(asyncFn).toRetainAtMost(0)    heap still live after the call and a full GC
import { memoryMatchers } from '../testing/matchers';
import type {} from 'expect';

interface Expect {
  extend(matchers: object): void;
}

const globalExpect = (globalThis as { expect?: Expect }).expect;
// With injectGlobals: false there is no global expect; @jest/globals has the same one.
const expectToExtend = globalExpect ?? (require('@jest/globals') as { expect: Expect }).expect;
expectToExtend.extend(memoryMatchers);

type ByteAmount = number | string;

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** The call's peak memory (V8 heap used + external) above its starting memory is at most `limit`. */
    toAllocateAtMost(limit: ByteAmount): R;
    /** What the call leaves live after a full GC (its return value included) is at most `limit`. */
    toRetainAtMost(limit: ByteAmount): R;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toAllocateAtMost(limit: ByteAmount): R;
      toRetainAtMost(limit: ByteAmount): R;
    }
  }
}
