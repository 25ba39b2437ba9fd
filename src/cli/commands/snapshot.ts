// `memprof snapshot [--no-children] [--timeout <s>] <pid>`: asks a process recorded with
// `memprof run --heap-sampling` (and its descendants) for a snapshot of their heap profiles, waits for
// them, and prints the files written.
import { processExists } from '../../record/proc/reads';
import { requestSnapshots, sampledProcesses } from '../../allocations/snapshot-request';
import { displayPath } from '../../record/output-file';
import { HELP_OPTION, type Command } from '../command';
import { CliError, UsageError } from '../errors';

export const snapshotCommand: Command = {
  name: 'snapshot',
  usage: 'memprof snapshot [options] <pid>',
  summary: 'ask a heap-sampled process tree for a snapshot of its heap profiles',
  description: `Asks the process <pid> and its descendants, those that run memprof's heap sampler (started by
\`memprof run --heap-sampling\`), to write a snapshot of their heap profiles now (the signal each
listens to: SIGUSR2 unless --heap-signal said otherwise), with their worker threads'. Prints the
files written, into the recording's .heapprofiles folder: \`memprof plot --allocations\` draws them.`,
  options: [
    { name: 'children', negatable: true, description: 'ask <pid> only, not its descendants' },
    { name: 'timeout', value: 's', description: 'wait at most <s> seconds for the snapshots (default 10)' },
    HELP_OPTION,
  ],
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('memprof snapshot needs one pid');
    const text = positionals[0];
    const pid = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(pid) || pid < 1) throw new UsageError(`<pid> must be a process id, got "${text}"`);
    let timeout = 10;
    if (values.timeout !== undefined) {
      timeout = Number(values.timeout);
      if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${String(values.timeout)}"`);
    }
    if (!processExists(pid)) throw new CliError(`no process ${pid}`, 1);
    const processes = sampledProcesses(pid, values.children === false);
    if (processes.length === 0) {
      throw new CliError(`process ${pid}${values.children === false ? '' : ' and its descendants'} run no heap sampler (start it with memprof run --heap-sampling)`, 1);
    }
    const { files, silent } = await requestSnapshots(processes, timeout * 1000);
    for (const file of files) io.stdout.write(`${displayPath(file, io.cwd)}\n`);
    io.stderr.write(`memprof: ${files.length} snapshot file${files.length === 1 ? '' : 's'} from ${processes.length - silent.length} of ${processes.length} process${processes.length === 1 ? '' : 'es'}\n`);
    if (silent.length === 0) return 0;
    io.stderr.write(`memprof: no snapshot within ${timeout} s from pid ${silent.join(', ')} (busy in synchronous code, or ended)\n`);
    return 1;
  },
};
