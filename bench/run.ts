// `npm run bench`: memprof's overhead, measured side by side in one run (see docs/benchmarks.md).
//
//   node --expose-gc dist/bench/run.js [--quick] [--json <file>] [--update-docs]
//
//   --quick        tiny sizes, a few seconds: checks that the harness works, not how fast memprof is
//   --json <file>  also write every number measured, as JSON
//   --update-docs  rewrite the results block of docs/benchmarks.md with this run's numbers
//
// Every profiled program is a file run in a child process with `node -r <repo>/register`, as users run
// theirs. Times are CPU time, the compared variants run in interleaved rounds (rounds.ts), and each
// ratio is printed as its median over the rounds with the lowest and highest round (stats.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeBigRecording, runBigRecording, type BigRecordingResult } from './big-recording';
import { describeHotLoop, runHotLoop, type HotLoopResult } from './hot-loop';
import { describeInvisibility, runInvisibility, type InvisibilityResult } from './invisibility';
import { duration, removeTemporaryDirectories, ROOT, temporaryDirectory } from './lib';
import { machineDescription, type Machine } from './machine';
import { describeOwnMemory, runOwnMemory, type OwnMemoryResult } from './own-memory';
import { describePython, runPython, type PythonOutcome } from './python';
import { describeRecorderScale, runRecorderScale, type RecorderScaleResult } from './recorder-scale';
import { resultsMarkdown, summaryLines, verdicts } from './report';
import { runManyMarkedStartup, runStartup, type ManyMarkedResult, type StartupResult } from './startup';
import { describeWorkload, runWorkload, type WorkloadResult } from './workload';
import { describeServiceTimeline, runServiceTimeline, type ServiceTimelineResult } from './service-timeline';
import { describeScale, runScale, type ScaleCase } from './scale';

export interface Sizes {
  heapIterations: number;
  rssIterations: number;
  pythonIterations: number;
  /** Interleaved rounds of the hot loops and the long-running handler's timing. */
  rounds: number;
  workloadRecords: number;
  /** Interleaved rounds of the workload: garbage collection makes a call's time vary more there. */
  workloadRounds: number;
  /** Elements test1 copies (the seed service's 4,096,000) and interleaved rounds. */
  timelineElements: number;
  timelineRounds: number;
  /** Scale cases: statements in one profiled function, profiled functions, calls of one function. */
  scaleStatements: number;
  scaleFunctions: number;
  scaleCalls: number;
  invisibilityCalls: number;
  longRunningCalls: number;
  /** Calls per timed chunk of the long-running handler. */
  longRunningChunk: number;
  startupModules: number;
  /** Interleaved rounds of start-up runs (each round runs every configuration once). */
  startupRounds: number;
  /** Modules of the project whose every module has a marked function, and its rounds (cold runs are slow). */
  markedModules: number;
  markedRounds: number;
  /** The generated recording `memprof peak` and `memprof plot` read, and a small one beside it. */
  bigRecordingBytes: number;
  smallRecordingBytes: number;
  bigRecordingRounds: number;
  /** The recorder over idle children at 100 Hz: how many, for how long, how many runs. */
  scaleChildren: number;
  scaleSeconds: number;
  scaleRuns: number;
}

const FULL: Sizes = {
  heapIterations: 1_000_000,
  // An rss read is a system call (~7 µs): 20,000 iterations are 80,000 reads, about half a second.
  rssIterations: 20_000,
  // memory_profiler costs ~25 µs per line: 5,000 iterations are 20,000 line events, about half a second.
  pythonIterations: 5_000,
  // Odd, so that each median is one round's figure.
  rounds: 9,
  workloadRecords: 30_000,
  workloadRounds: 15,
  timelineElements: 4_096_000,
  timelineRounds: 7,
  scaleStatements: 5_000,
  scaleFunctions: 1_000,
  scaleCalls: 1_000_000,
  invisibilityCalls: 30,
  longRunningCalls: 100_000,
  longRunningChunk: 2_000,
  startupModules: 300,
  startupRounds: 15,
  markedModules: 1_000,
  markedRounds: 5,
  bigRecordingBytes: 200_000_000,
  smallRecordingBytes: 2_000_000,
  bigRecordingRounds: 3,
  scaleChildren: 20,
  scaleSeconds: 10,
  scaleRuns: 3,
};

const QUICK: Sizes = {
  heapIterations: 20_000,
  rssIterations: 300,
  pythonIterations: 200,
  rounds: 2,
  workloadRecords: 1_000,
  workloadRounds: 2,
  timelineElements: 100_000,
  timelineRounds: 2,
  scaleStatements: 200,
  scaleFunctions: 20,
  scaleCalls: 2_000,
  invisibilityCalls: 6,
  longRunningCalls: 300,
  longRunningChunk: 100,
  startupModules: 20,
  startupRounds: 2,
  markedModules: 20,
  markedRounds: 1,
  bigRecordingBytes: 2_000_000,
  smallRecordingBytes: 200_000,
  bigRecordingRounds: 1,
  scaleChildren: 2,
  scaleSeconds: 1,
  scaleRuns: 1,
};

export interface BenchResults {
  mode: 'full' | 'quick';
  date: string;
  machine: Machine;
  sizes: Sizes;
  heap: HotLoopResult;
  rss: HotLoopResult;
  python: PythonOutcome;
  workload: WorkloadResult;
  timeline: ServiceTimelineResult;
  scale: ScaleCase[];
  invisibility: InvisibilityResult;
  ownMemory: OwnMemoryResult;
  startup: StartupResult;
  manyMarked: ManyMarkedResult;
  bigRecording: BigRecordingResult;
  recorderScale: RecorderScaleResult;
  totalSeconds: number;
}

interface Arguments {
  quick: boolean;
  json?: string;
  updateDocs: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { quick: false, updateDocs: false };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--quick') parsed.quick = true;
    else if (argument === '--update-docs') parsed.updateDocs = true;
    else if (argument === '--json') parsed.json = argv[++index];
    else if (argument.startsWith('--json=')) parsed.json = argument.slice('--json='.length);
    else throw new Error(`unknown argument ${argument}; usage: run.js [--quick] [--json <file>] [--update-docs]`);
  }
  return parsed;
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  if (options.quick && options.updateDocs) throw new Error('--update-docs records a full run; drop --quick');
  const sizes = options.quick ? QUICK : FULL;
  const started = process.hrtime.bigint();
  const machine = machineDescription();
  const log = (line = '') => process.stdout.write(`${line}\n`);
  const section = (lines: string[]) => {
    for (const line of lines) log(line);
    log();
  };

  log(`memprof benchmarks (${options.quick ? 'quick: sizes too small for meaningful numbers' : 'full'})`);
  log(`machine: ${machine.summary}`);
  log();

  // One transform cache for the programs below, so that only start-up measures cold compiles.
  const cacheDir = temporaryDirectory('cache');
  try {
    const heap = runHotLoop('heap', sizes.heapIterations, sizes.rounds, cacheDir);
    section(describeHotLoop(heap));
    const rss = runHotLoop('rss', sizes.rssIterations, sizes.rounds, cacheDir);
    section(describeHotLoop(rss));
    const python = runPython(sizes.pythonIterations, sizes.rounds);
    section(describePython(python));
    const workload = runWorkload(sizes.workloadRecords, sizes.workloadRounds, cacheDir);
    section(describeWorkload(workload));
    const timeline = runServiceTimeline(sizes.timelineElements, sizes.timelineRounds, cacheDir);
    section(describeServiceTimeline(timeline));
    const scale = runScale({ statements: sizes.scaleStatements, functions: sizes.scaleFunctions, calls: sizes.scaleCalls, rounds: sizes.rounds }, cacheDir);
    section(describeScale(scale));
    const invisibility = runInvisibility(sizes.invisibilityCalls, cacheDir);
    section(describeInvisibility(invisibility));
    const ownMemory = runOwnMemory(sizes.longRunningCalls, sizes.rounds, sizes.longRunningChunk, cacheDir);
    section(describeOwnMemory(ownMemory));
    const startup = runStartup(sizes.startupModules, sizes.startupRounds, log);
    log();
    const manyMarked = runManyMarkedStartup(sizes.markedModules, sizes.markedRounds, log);
    log();
    const bigRecording = runBigRecording(sizes.bigRecordingBytes, sizes.smallRecordingBytes, sizes.bigRecordingRounds);
    section(describeBigRecording(bigRecording));
    const recorderScale = runRecorderScale(sizes.scaleChildren, 0.01, sizes.scaleSeconds, sizes.scaleRuns);
    section(describeRecorderScale(recorderScale));

    const results: BenchResults = {
      mode: options.quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine,
      sizes,
      heap,
      rss,
      python,
      workload,
      timeline,
      scale,
      invisibility,
      ownMemory,
      startup,
      manyMarked,
      bigRecording,
      recorderScale,
      totalSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
    section(summaryLines(results));
    log(`total time ${duration(results.totalSeconds * 1e9)}`);

    if (options.json) writeFileSync(options.json, JSON.stringify({ ...results, verdicts: verdicts(results) }, null, 2) + '\n');
    if (options.updateDocs) updateDocs(results);
  } finally {
    removeTemporaryDirectories();
  }
}

const DOCS = join(ROOT, 'docs', 'benchmarks.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

function updateDocs(results: BenchResults): void {
  const text = readFileSync(DOCS, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOCS} has no ${START} ... ${END} block to update`);
  writeFileSync(DOCS, `${text.slice(0, start + START.length)}\n${resultsMarkdown(results)}\n${text.slice(end)}`);
  process.stdout.write(`updated the results in ${DOCS}\n`);
}

main();
