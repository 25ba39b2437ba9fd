// The machine a run was measured on, for the report: CPU model and count, memory, OS, Node and V8.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface Machine {
  cpuModel: string;
  /** Processors this process may use (what `nproc` prints). */
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  summary: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall through
  }
  return os.cpus()[0]?.model?.trim() || 'unknown CPU';
}

export function machineDescription(): Machine {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const machine = {
    cpuModel: cpuModel(),
    cpus,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  };
  return {
    ...machine,
    summary: `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node} (V8 ${machine.v8})`,
  };
}
