// Sampler invisibility: what a profiled `new Array(1e6).fill(1)` is reported as, in the first (cold,
// interpreted) call and in calls running optimised code, against the same statement measured without
// the sampler; and what a profiled loop that allocates nothing is charged.
import { join } from 'node:path';
import { benchResult, bytes, MIB, num, PROGRAMS, runNode } from './lib';
import { median } from './stats';

const mibText = (value: number) => `${(value / MIB).toFixed(2)} MiB`;

interface Row {
  call: number;
  tierBefore: string;
  tierAfter: string;
  allocateBytes: number;
  referenceBytes: number;
  spinNetBytes: number;
  spinReferenceBytes: number;
  spinTier: string;
}

export interface InvisibilityResult {
  calls: number;
  rows: Row[];
  /** The statement measured without memprof (plain function, two raw reads): median over calls. */
  referenceBytes: number;
  coldBytes: number;
  coldTier: string;
  /** Calls that ran TurboFan code from start to end (the function optimised before the call and still after). */
  optimisedCalls: number;
  optimisedMedianBytes: number;
  optimisedExact: number;
  optimisedMinBytes: number;
  optimisedMaxBytes: number;
  /**
   * Later calls during which V8 changed the function's tier (optimised it, or threw its optimised
   * code away): neither unoptimised nor optimised code, the line's bytes then depend on which code
   * ran which part of it and on the compiler's work (the plain function's tier change shows a few
   * KiB too). Most above the plain figure, in bytes.
   */
  tierChangeCalls: number;
  tierChangeMaxExtraBytes: number;
  /** Profiled non-allocating loop (200,000 iterations, 800,000 samples): net bytes reported. */
  spinColdBytes: number;
  spinLaterMedianBytes: number;
  spinLaterMaxBytes: number;
  spinLaterZero: number;
  spinReferenceLaterMedianBytes: number;
  /** Cold and optimised both within 16 bytes (one allocation memento) of the reference. */
  met: boolean;
  /** Every profiled call (cold and optimised) shows the reference's figure at 2 decimals of MiB. */
  metAtTablePrecision: boolean;
}

export function runInvisibility(calls: number, cacheDir: string): InvisibilityResult {
  const child = runNode(join(PROGRAMS, 'invisibility.js'), {
    hook: true,
    nodeArgs: ['--expose-gc', '--allow-natives-syntax'],
    args: [String(calls)],
    env: { MEMPROF_CACHE_DIR: cacheDir },
  });
  const { rows } = benchResult<{ rows: Row[] }>(child, 'sampler invisibility');
  const referenceBytes = median(rows.map((row) => row.referenceBytes));
  const optimised = rows
    .filter((row) => row.call > 1 && row.tierBefore === 'turbofan' && row.tierAfter === 'turbofan')
    .map((row) => row.allocateBytes);
  const tierChanges = rows.filter((row) => row.call > 1 && row.tierBefore !== row.tierAfter);
  const later = rows.slice(2);
  const optimisedMedianBytes = median(optimised);
  const coldBytes = rows[0].allocateBytes;
  return {
    calls,
    rows,
    referenceBytes,
    coldBytes,
    coldTier: rows[0].tierBefore,
    optimisedCalls: optimised.length,
    optimisedMedianBytes,
    optimisedExact: optimised.filter((value) => Math.abs(value - referenceBytes) <= 16).length,
    optimisedMinBytes: Math.min(...optimised),
    optimisedMaxBytes: Math.max(...optimised),
    tierChangeCalls: tierChanges.length,
    tierChangeMaxExtraBytes: Math.max(0, ...tierChanges.map((row) => row.allocateBytes - referenceBytes)),
    spinColdBytes: rows[0].spinNetBytes,
    spinLaterMedianBytes: median(later.map((row) => row.spinNetBytes)),
    spinLaterMaxBytes: Math.max(...later.map((row) => row.spinNetBytes)),
    spinLaterZero: later.filter((row) => row.spinNetBytes === 0).length,
    spinReferenceLaterMedianBytes: median(later.map((row) => row.spinReferenceBytes)),
    met: Math.abs(coldBytes - referenceBytes) <= 16 && optimised.length > 0 && Math.abs(optimisedMedianBytes - referenceBytes) <= 16,
    metAtTablePrecision:
      optimised.length > 0 && [coldBytes, ...optimised].every((value) => mibText(value) === mibText(referenceBytes)),
  };
}


export function describeInvisibility(result: InvisibilityResult): string[] {
  const later = result.rows.length - 2;
  return [
    `sampler invisibility: new Array(1e6).fill(1) in a profiled function, ${result.calls} calls, full GC before each`,
    `  without the sampler (plain function, two raw reads): ${num(result.referenceBytes)} B = ${mibText(result.referenceBytes)} (median)`,
    `  first call (${result.coldTier}):                     ${num(result.coldBytes)} B = ${mibText(result.coldBytes)}`,
    result.optimisedCalls > 0
      ? `  calls running TurboFan code throughout (${result.optimisedCalls}): median ${num(result.optimisedMedianBytes)} B = ` +
        `${mibText(result.optimisedMedianBytes)}; ${result.optimisedExact} of ${result.optimisedCalls} within 16 B of the plain figure, ` +
        `range ${num(result.optimisedMinBytes)}..${num(result.optimisedMaxBytes)} B`
      : `  no call ran TurboFan code throughout`,
    `  calls during which V8 changed the function's tier (${result.tierChangeCalls}): at most ${num(result.tierChangeMaxExtraBytes)} B ` +
      `above the plain figure`,
    `  a profiled loop that allocates nothing (800,000 samples per call): first call ${bytes(result.spinColdBytes)}, ` +
      `later calls median ${bytes(result.spinLaterMedianBytes)}, max ${bytes(result.spinLaterMaxBytes)}, ` +
      `exactly 0 in ${result.spinLaterZero} of ${later} (the same loop unprofiled: median ${bytes(result.spinReferenceLaterMedianBytes)})`,
  ];
}
