// Memory limits for every test, without writing a matcher in each: package.json's
//   "memprof": { "eachTest": { "allocateAtMost": "200 MiB", "retainAtMost": "10 MiB" } }
// makes memprof/jest/setup and memprof/vitest/setup measure each test (beforeEach/afterEach hooks: a
// full collection before and after, as the matchers do) and fail the test that goes over. A test can
// change its own limits with testMemoryLimits({ allocateAtMost: '1 GiB' }) (null: no limit).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openAllocationSpan, type AllocationTotals } from '../runtime/allocation-span';
import { forceCollection, hideOwnAllocations, METRICS, readAbsolute } from '../runtime/metrics';
import { formatBytes, parseBytes } from '../shared/bytes';

type ByteAmount = number | string;

export interface TestMemoryLimits {
  /** What a test may allocate (memprof's Allocated, whatever the collector reclaimed meanwhile). */
  allocateAtMost?: ByteAmount | null;
  /** What a test may leave alive after a full collection, compared with before it. */
  retainAtMost?: ByteAmount | null;
}

interface Limits {
  allocate: number | null;
  retain: number | null;
  /** Where they come from, for messages. */
  source: string;
}

const KEYS = ['allocateAtMost', 'retainAtMost'];

/** The nearest package.json above `directory` that has a "memprof" key, and that key's eachTest. */
export function readTestLimits(directory: string): Limits | null {
  for (let dir = directory; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      let pkg: { memprof?: { eachTest?: unknown } };
      try {
        pkg = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`memprof: cannot read ${file}: ${(error as Error).message}`);
      }
      if (pkg.memprof !== undefined) return limitsOf(pkg.memprof.eachTest, `${file} (memprof.eachTest)`);
    }
    if (dirname(dir) === dir) return null;
  }
}

function limitsOf(eachTest: unknown, source: string): Limits | null {
  if (eachTest === undefined) return null;
  if (typeof eachTest !== 'object' || eachTest === null || Array.isArray(eachTest)) throw new Error(`memprof: ${source} must be an object like { "allocateAtMost": "200 MiB" }`);
  for (const key of Object.keys(eachTest)) {
    if (!KEYS.includes(key)) throw new Error(`memprof: unknown key "${key}" in ${source}; known keys: ${KEYS.join(', ')}`);
  }
  const { allocateAtMost, retainAtMost } = eachTest as TestMemoryLimits;
  return { allocate: amount(allocateAtMost, `${source}.allocateAtMost`), retain: amount(retainAtMost, `${source}.retainAtMost`), source };
}

function amount(value: ByteAmount | null | undefined, where: string): number | null {
  if (value === undefined || value === null) return null;
  try {
    return parseBytes(value);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${where})`);
  }
}

let override: Limits | null = null;

/**
 * Changes the current test's limits (until it ends); `null` for a limit turns it off. Needs limits in
 * package.json: without them, tests are not measured at all.
 */
export function testMemoryLimits(limits: TestMemoryLimits): void {
  if (!configured) throw new Error('memprof: testMemoryLimits() changes the limits set by "memprof": { "eachTest": ... } in package.json, and there are none');
  const given = limitsOf(limits, 'testMemoryLimits()');
  const base = override ?? configured;
  override = {
    allocate: 'allocateAtMost' in limits ? given!.allocate : base.allocate,
    retain: 'retainAtMost' in limits ? given!.retain : base.retain,
    source: 'testMemoryLimits()',
  };
}

let configured: Limits | null = null;

interface Hooks {
  beforeEach(fn: () => void): void;
  afterEach(fn: () => void): void;
}

/** Installs the measuring hooks when package.json sets limits; without limits, tests run as before. */
export function installTestLimits(hooks: Hooks, directory: string): void {
  configured = readTestLimits(directory);
  if (!configured) return;
  let before = 0;
  let span: (() => AllocationTotals) | null = null;
  hooks.beforeEach(() => {
    override = null;
    forceCollection();
    before = hideOwnAllocations(() => readAbsolute(METRICS.heap));
    span = hideOwnAllocations(() => openAllocationSpan(METRICS.heap));
  });
  hooks.afterEach(() => {
    const limits = override ?? configured;
    const totals = span?.();
    span = null;
    override = null;
    if (!limits || !totals) return;
    if (limits.allocate !== null && totals.allocatedBytes > limits.allocate) {
      throw new Error(`memprof: the test allocated ${formatBytes(totals.allocatedBytes)}${totals.exact ? '' : ' (estimated)'}, more than ${formatBytes(limits.allocate)} (allocateAtMost, ${limits.source})`);
    }
    if (limits.retain === null) return;
    forceCollection();
    const retained = hideOwnAllocations(() => readAbsolute(METRICS.heap)) - before;
    if (retained > limits.retain) {
      throw new Error(`memprof: the test left ${formatBytes(retained)} alive, more than ${formatBytes(limits.retain)} (retainAtMost, ${limits.source})`);
    }
  });
}
