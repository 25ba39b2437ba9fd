// memoryUsage()'s sampling process, for a function measured with a process metric (rss, pss, uss): it
// reads /proc/<parent> (and the parent's descendants) at every interval. Being another process, its
// memory is never in the parent's numbers; it leaves itself out of the parent's tree. Protocol:
// process-protocol.ts.
import { TickLoop } from '../../record/tick-loop';
import { TreeSampler } from '../../record/tree-sampler';
import { epochSeconds } from '../../shared/units';
import { LineReader } from './line-reader';
import type { ProcSampleLine, ProcSamplerConfig, ProcSamplerResult } from './process-protocol';

function reply(result: ProcSamplerResult, then?: () => void): void {
  process.stdout.write(JSON.stringify(result) + '\n', then);
}

async function runProcessSampler(config: ProcSamplerConfig): Promise<void> {
  let sampler: TreeSampler;
  try {
    sampler = new TreeSampler(config.pid, { backend: config.backend, followTree: config.followTree, interval: config.interval, leaveOut: process.pid });
  } catch (error) {
    reply({ samples: [], timedOut: false, error: (error as Error).message });
    process.exit(1);
  }
  const samples: ProcSampleLine[] = [];
  let timedOut = false;
  let deadline = Infinity;
  const take = (): void => {
    const sample = sampler.sample();
    if (!sample) return;
    samples.push([sample.time, sample.root, sample.total, sample.children.map((child) => [child.pid, child.bytes])]);
  };
  const loop = new TickLoop(config.interval * 1000, () => {
    if (epochSeconds() > deadline) {
      timedOut = true;
      return false;
    }
    take();
    return true;
  });

  const commands = new LineReader(process.stdin);
  process.stdout.write('ready\n');
  let started = false;
  for (;;) {
    const command = (await commands.next())?.trim();
    if (command === undefined) process.exit(0); // the parent is gone
    if (command === 'start' && !started) {
      started = true;
      loop.start('after-interval');
      take();
      const entry = samples[0];
      if (config.timeout !== undefined) deadline = (entry ? entry[0] : epochSeconds()) + config.timeout;
      process.stdout.write('started\n');
    } else if (command === 'stop') {
      if (!timedOut && epochSeconds() <= deadline) take();
      loop.stop();
      sampler.close();
      reply({ samples, timedOut }, () => process.exit(0));
      return;
    }
  }
}

if (require.main === module) void runProcessSampler(JSON.parse(process.argv[2]) as ProcSamplerConfig);
