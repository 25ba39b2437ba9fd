// How the benchmark measures one variant against another on a shared machine, used by the harness
// and, from dist/, by the child programs in bench/programs/:
// - CPU time, not wall clock: time the process waits for a core that a neighbour holds is not counted.
// - Interleaved rounds: every round measures every variant once, in the same order (A B A B ...), so
//   that a slow minute slows all variants alike instead of one of them.
// (The child programs load this file under memprof's hook: it must not contain memprof's marker word,
// or the hook would compile it.)

/**
 * CPU time `work` takes, in nanoseconds: user + system time of this process (all its threads: V8's
 * compiler and garbage-collector threads count too), from getrusage, to the microsecond.
 */
export function cpuTimeNs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(start);
  return (user + system) * 1000;
}

/**
 * Runs `rounds` rounds, each calling every variant's measurement once in the order of `variants`,
 * and returns each variant's measurements in round order.
 */
export function interleave<Variant extends string>(
  rounds: number,
  variants: Readonly<Record<Variant, () => number>>,
): Record<Variant, number[]> {
  const names = Object.keys(variants) as Variant[];
  const samples = {} as Record<Variant, number[]>;
  for (const name of names) samples[name] = [];
  for (let round = 0; round < rounds; round++) {
    for (const name of names) samples[name].push(variants[name]());
  }
  return samples;
}
