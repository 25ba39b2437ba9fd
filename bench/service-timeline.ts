// What `memprof run` does to the durations its brackets show: the seed service's test1 body, profiled
// the way `memprof run` profiles it (calls only, markers written to a recording) and the way
// `memprof run --lines` does (every statement sampled), against the same body unprofiled.
import { join } from 'node:path';
import { benchResult, between, duration, PROGRAMS, ratio, runNode, temporaryDirectory } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

interface Test1Output {
  elements: number;
  rounds: { plain: number[]; profiled: number[] };
}

export interface ServiceTimelineResult {
  elements: number;
  plainNs: number;
  callsOnlyNs: number;
  linesNs: number;
  /** Calls only (memprof run's default) / plain: the target is at most 1.2. */
  callsOnly: Figure;
  /** Line by line (memprof run --lines) / plain. */
  lines: Figure;
}

function measure(lines: boolean, elements: number, rounds: number, cacheDir: string): Test1Output {
  const recording = join(temporaryDirectory('memprof-bench-timeline-'), 'markers.dat');
  const child = runNode(join(PROGRAMS, 'service-test1.js'), {
    hook: true,
    nodeArgs: ['--expose-gc'],
    args: [String(elements), String(rounds)],
    env: {
      MEMPROF_LINES: lines ? '1' : '0',
      MEMPROF_OUTPUT: '/dev/null',
      MEMPROF_CACHE_DIR: cacheDir,
      MEMPROF_RECORD_FILE: recording,
      MEMPROF_RECORD_PARENT: String(process.pid),
    },
  });
  return benchResult<Test1Output>(child, `service test1 (${lines ? 'lines' : 'calls only'})`);
}

export function runServiceTimeline(elements: number, rounds: number, cacheDir: string): ServiceTimelineResult {
  const callsOnly = measure(false, elements, rounds, cacheDir);
  const lines = measure(true, elements, rounds, cacheDir);
  return {
    elements,
    plainNs: median([...callsOnly.rounds.plain, ...lines.rounds.plain]),
    callsOnlyNs: median(callsOnly.rounds.profiled),
    linesNs: median(lines.rounds.profiled),
    callsOnly: perRoundFigure(callsOnly.rounds, (round) => round.profiled / round.plain),
    lines: perRoundFigure(lines.rounds, (round) => round.profiled / round.plain),
  };
}

export function describeServiceTimeline(result: ServiceTimelineResult): string[] {
  return [
    `seed service's test1 body (${result.elements.toLocaleString('en-US')} elements, copied one by one), CPU time per call, interleaved with the same body unprofiled`,
    `  memprof run (calls only): ${duration(result.callsOnlyNs)} vs ${duration(result.plainNs)}, ${ratio(result.callsOnly.median)} (${between(result.callsOnly, ratio)})`,
    `  memprof run --lines:      ${duration(result.linesNs)}, ${ratio(result.lines.median)} (${between(result.lines, ratio)})`,
  ];
}
