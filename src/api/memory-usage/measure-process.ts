// memoryUsage(fn) with a process metric ('rss', 'pss', 'uss'): a sampling process (process-sampler.ts)
// reads this process' memory (and its descendants') from /proc while the function runs here.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkProcSupport, type Backend } from '../../record/proc/backends';
import { RECORD_ENV } from '../../shared/record-channel';
import { epochSeconds } from '../../shared/units';
import { LineReader } from './line-reader';
import type { Resolved } from './options';
import { PROCESS_SAMPLER_FILE, type ProcSamplerConfig, type ProcSamplerResult } from './process-protocol';
import { Accumulator, buildResult } from './results';
import { runOnce } from './run-once';
import type { MemoryUsageResult } from './types';

/** The environment of memprof's helper processes: none of the parent's Node options or recording. */
function helperEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const name of Object.values(RECORD_ENV)) delete env[name];
  return env;
}

function samplerFailure(line: string | undefined): Error {
  let reason = 'the sampling process ended early';
  if (line) {
    try {
      reason = (JSON.parse(line) as ProcSamplerResult).error ?? reason;
    } catch {
      reason = line;
    }
  }
  return new Error(`memprof: memoryUsage(): cannot sample this process: ${reason}`);
}

export async function measureProcessOfFunction(fn: () => unknown, options: Resolved): Promise<MemoryUsageResult> {
  checkProcSupport(options.metric as Backend);
  if (!existsSync(PROCESS_SAMPLER_FILE)) throw new Error(`memprof: memoryUsage(): the sampler is missing (${PROCESS_SAMPLER_FILE}); build memprof first`);
  const config: ProcSamplerConfig = {
    pid: process.pid,
    backend: options.metric as Backend,
    interval: options.interval,
    timeout: options.timeout,
    followTree: options.includeChildren || options.multiprocess,
  };
  const child = spawn(process.execPath, [PROCESS_SAMPLER_FILE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'], env: helperEnv() });
  const lines = new LineReader(child.stdout!);
  child.on('error', () => undefined); // reported through stdout closing
  child.stdin!.on('error', () => undefined); // the child died: the next read says so
  const refs = (on: boolean): void => {
    for (const handle of [child, child.stdin, child.stdout] as unknown as { ref(): void; unref(): void }[]) {
      if (on) handle.ref();
      else handle.unref();
    }
  };
  try {
    const ready = await lines.next();
    if (ready !== 'ready') throw samplerFailure(ready);
    child.stdin!.write('start\n');
    const started = await lines.next();
    if (started !== 'started') throw samplerFailure(started);
    refs(false);
    const outcome = await runOnce(fn);
    const end = epochSeconds();
    refs(true);
    child.stdin!.write('stop\n');
    const line = await lines.next();
    if (!outcome.ok) throw outcome.error;
    if (line === undefined) throw samplerFailure(line);
    const sampled = JSON.parse(line) as ProcSamplerResult;
    const accumulator = new Accumulator(options);
    for (const [time, root, total, children] of sampled.samples) {
      accumulator.add(time, options.includeChildren ? total : root, children);
    }
    const start = sampled.samples[0]?.[0] ?? end;
    const last = sampled.samples[sampled.samples.length - 1]?.[0] ?? end;
    const result = buildResult(accumulator, options, {
      target: 'function',
      pid: process.pid,
      sampler: 'process',
      start,
      end: sampled.timedOut && options.timeout !== undefined ? start + options.timeout : Math.max(end, last),
      timedOut: sampled.timedOut,
    });
    if (options.retval) result.retval = outcome.value;
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    child.stdin!.destroy();
  }
}
