// `memprof run [options] <command> [args...]`: run a program and record it, like `mprof run`.
import { recordCommand } from '../../record/run';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { HEAP_SAMPLING_OPTIONS, heapSamplingOptions, RECORDING_OPTIONS, recordOptions } from '../recording-options';
import { attachTo } from './attach';

export const runCommand: Command = {
  name: 'run',
  usage: 'memprof run [options] <command> [args...]',
  summary: 'record a program and its children into a .dat file',
  description: `Runs <command> and records its memory over time, like Python's \`mprof run\`, into
mprofile_<YYYYMMDDhhmmss>.dat (mprof's format: \`mprof plot\` and \`memprof peak\` read it). A Node
script (.js, .ts, ...) is run with this Node. Node processes, children included, get memprof's load
hook: each call of a function marked with profile adds a FUNC marker. Only calls are timed, as
mprof's own \`profile\` does, so the markers keep the durations the program has unprofiled; --lines
also profiles them line by line and prints their tables (which slows the marked functions down).
With --heap-sampling (or --sampling-interval, --heap-live), each Node process and thread also writes
its allocations by stack into mprofile_<...>.heapprofiles/, at exit and on \`memprof snapshot <pid>\`:
\`memprof plot --allocations\` draws them, \`memprof export --pprof\` converts them.`,
  optionsHeading: 'Options (before the command):',
  options: [
    ...RECORDING_OPTIONS,
    ...HEAP_SAMPLING_OPTIONS,
    { name: 'hook', negatable: true, description: "do not give node processes memprof's load hook" },
    { name: 'lines', description: 'profile marked functions line by line and print their tables too' },
    { name: 'requests', description: 'print memory per request, by route, for node:http servers (MEMPROF_REQUESTS=1)' },
    { name: 'exit-code', short: 'E', description: 'accepted for mprof compatibility: the exit code is always passed on' },
    { name: 'attach', short: 'a' }, // mprof's `run -a <pid>`: attach
  ],
  epilogue: `Exit code: the program's, or 128+signal if a signal ended it; 127 when the command is not found;
2 for bad usage. SIGINT, SIGTERM and SIGHUP sent to memprof are passed to the program.`,
  parsing: { stopAtPositional: true },
  run: async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError('memprof run needs a command to run');
    if (values.attach) return attachTo(positionals, values);
    return recordCommand(positionals, { ...recordOptions(values), lines: values.lines === true, requests: values.requests === true, heapSampling: heapSamplingOptions(values) });
  },
};
