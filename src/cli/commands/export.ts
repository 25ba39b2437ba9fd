// `memprof export --pprof <file.pb.gz> [<index|recording|folder|profile>...]`: the heap profiles of
// recordings (memprof run --heap-sampling) and memprof's line data (--lines, MEMPROF_FORMAT=json
// output) as one gzipped pprof profile, for `go tool pprof` and continuous-profiling backends.
import { writeWholeFile } from '../../shared/whole-file';
import { isAbsolute, join } from 'node:path';
import { readCallDocuments, sumLines, type LineAllocation } from '../../allocations/line-data';
import { encodePprof } from '../../allocations/pprof';
import { AllocationsError, latestPerThread, type AllocationProfile } from '../../allocations/profile-files';
import { SavedResultsError } from '../../shared/saved-results';
import { readAllocationInputs } from '../allocation-inputs';
import { HELP_OPTION, type Command } from '../command';
import { CliError, UsageError } from '../errors';

export const exportCommand: Command = {
  name: 'export',
  usage: 'memprof export --pprof <file> [--lines <file>] [<index|file>...]',
  listedUsage: 'memprof export --pprof <file> [files...]',
  summary: 'write heap profiles and line data as a pprof profile',
  description: `Writes the heap profiles of recordings made with \`memprof run --heap-sampling\` (an index from
\`memprof list\`, a recording, its .heapprofiles folder or .heapprofile files; default: the newest
recording, unless only --lines is given) as one gzipped pprof profile, source-mapped, the latest
profile of each thread (snapshots are cumulative): sample type alloc_space (everything sampled,
objects collected later included) or inuse_space (recorded with --heap-live).
With --lines, the line data of profiled functions (--json or MEMPROF_FORMAT=json output, one
document per call, other lines skipped; or collect() results saved as JSON) is added as line
locations, sample type line_alloc_space.`,
  options: [
    { name: 'pprof', value: 'file', description: 'write the profile to <file> (gzipped protobuf; .pb.gz by convention)' },
    { name: 'lines', value: 'file', description: "add memprof's line data from <file> (--json output, or collect() results)" },
    HELP_OPTION,
  ],
  parsing: { negativeNumbers: true },
  run: async ({ values, positionals }, io) => {
    const output = values.pprof;
    if (typeof output !== 'string') throw new UsageError('memprof export needs --pprof <file>: the only format it writes');
    const linesFile = values.lines as string | undefined;
    const at = (path: string) => (isAbsolute(path) ? path : join(io.cwd, path));
    const profiles: AllocationProfile[] = positionals.length > 0 || linesFile === undefined ? latestPerThread(readAllocationInputs(positionals, io)) : [];
    let content: Buffer;
    try {
      const lines: LineAllocation[] = linesFile !== undefined ? sumLines(readCallDocuments(at(linesFile), linesFile, (line) => io.stderr.write(`${line}\n`))) : [];
      content = encodePprof({ profiles, lines });
    } catch (error) {
      if (error instanceof AllocationsError || error instanceof SavedResultsError) throw new CliError(error.message, 1);
      throw error;
    }
    try {
      writeWholeFile(at(output), content);
    } catch (error) {
      throw new CliError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
    }
    io.stdout.write(`${output}\n`);
    return 0;
  },
};
