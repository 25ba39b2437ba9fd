// memoryUsage(pid) and memoryUsage([cmd, ...args]): this thread samples the process tree on timers
// (it has nothing else to do meanwhile), with the tree sampler and tick loop of `memprof run`.
import { spawn } from 'node:child_process';
import { resolveCommand } from '../../record/command';
import { checkProcSupport, type Backend } from '../../record/proc/backends';
import { processExists } from '../../record/proc/reads';
import { TickLoop } from '../../record/tick-loop';
import { TreeSampler } from '../../record/tree-sampler';
import { epochSeconds } from '../../shared/units';
import type { Resolved } from './options';
import { Accumulator, buildResult } from './results';
import type { CommandExit, MemoryUsageResult } from './types';

interface TreeRun {
  accumulator: Accumulator;
  start: number;
  end: number;
  timedOut: boolean;
}

/** Timers take at most 2^31-1 ms. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Samples a process tree every interval until it is gone, the timeout passes, or `stop()` is called.
 * `single`: one sample only. Throws if the process cannot be read.
 */
function sampleTree(pid: number, options: Resolved, single: boolean): { done: Promise<TreeRun>; stop(): void } {
  const sampler = new TreeSampler(pid, {
    backend: options.metric as Backend,
    followTree: options.includeChildren || options.multiprocess,
    interval: options.interval,
  });
  const accumulator = new Accumulator(options);
  const start = epochSeconds();
  const deadline = options.timeout === undefined ? Infinity : start + options.timeout;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let finished = false;
  let resolveDone!: (run: TreeRun) => void;
  const done = new Promise<TreeRun>((resolve) => (resolveDone = resolve));
  const finish = (timedOut: boolean): void => {
    if (finished) return;
    finished = true;
    loop.stop();
    if (timeoutTimer) clearTimeout(timeoutTimer);
    sampler.close();
    resolveDone({ accumulator, start, end: timedOut ? deadline : epochSeconds(), timedOut });
  };
  const loop = new TickLoop(options.interval * 1000, () => {
    if (epochSeconds() > deadline) {
      finish(true);
      return false;
    }
    const sample = sampler.sample();
    if (!sample) {
      finish(false);
      return false;
    }
    accumulator.addTree(sample);
    if (single) finish(false);
    return !single;
  });
  loop.start('now');
  // On time even when the interval is longer than the timeout.
  if (!finished && options.timeout !== undefined && options.timeout * 1000 < LONGEST_TIMER_MS) {
    timeoutTimer = setTimeout(() => finish(true), options.timeout * 1000);
  }
  return { done, stop: () => finish(false) };
}

export async function measurePid(pid: number, options: Resolved): Promise<MemoryUsageResult> {
  checkProcSupport(options.metric as Backend);
  if (!processExists(pid)) throw new Error(`memprof: memoryUsage(): no process with pid ${pid}`);
  let run: ReturnType<typeof sampleTree>;
  try {
    run = sampleTree(pid, options, options.timeout === undefined);
  } catch (error) {
    throw new Error(`memprof: memoryUsage(): cannot read process ${pid}: ${(error as Error).message}`);
  }
  const { accumulator, start, end, timedOut } = await run.done;
  if (accumulator.total.count === 0) throw new Error(`memprof: memoryUsage(): process ${pid} has exited`);
  return buildResult(accumulator, options, { target: 'pid', pid, sampler: 'main', start, end, timedOut });
}

export async function measureCommand(argv: string[], options: Resolved): Promise<MemoryUsageResult & CommandExit> {
  checkProcSupport(options.metric as Backend);
  const command = resolveCommand(argv); // throws CommandNotFoundError (exitCode 127/126)
  const child = spawn(command.file, command.args, { stdio: options.stdio, argv0: command.nodeScript ? undefined : argv[0] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
    child.once('error', (error) => resolve(error));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) {
    const failure = await exited;
    throw new Error(`memprof: memoryUsage(): cannot start ${argv[0]}: ${failure instanceof Error ? failure.message : 'no process'}`);
  }
  let run: ReturnType<typeof sampleTree>;
  try {
    run = sampleTree(child.pid, options, false);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`memprof: memoryUsage(): cannot read process ${child.pid}: ${(error as Error).message}`);
  }
  void exited.then(() => run.stop());
  const sampled = await run.done;
  let killer: NodeJS.Timeout | undefined;
  if (sampled.timedOut && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    killer = setTimeout(() => child.kill('SIGKILL'), 2000);
  }
  const outcome = await exited;
  if (killer) clearTimeout(killer);
  const result = buildResult(sampled.accumulator, options, {
    target: 'command',
    pid: child.pid,
    sampler: 'main',
    start: sampled.start,
    end: sampled.end,
    timedOut: sampled.timedOut,
  });
  const exit = outcome instanceof Error ? { code: null, signal: null } : outcome;
  return { ...result, exitCode: exit.code, signal: exit.signal };
}

