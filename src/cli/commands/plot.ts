// `memprof plot [options] [<index|file>...]`: draw recordings, like `mprof plot`. The drawing is
// plot-command.ts's (and src/plot's); this module registers it as a command.
import { HELP_OPTION, type Command } from '../command';
import { plotCommand as drawRecordings } from '../plot-command';

export const plotCommand: Command = {
  name: 'plot',
  usage: 'memprof plot [options] [<index|file>...]',
  listedUsage: 'memprof plot [options] [files...]',
  summary: 'draw recordings: interactive HTML, SVG or PNG',
  description: `Draws recordings of memory over time, like Python's \`mprof plot\`: memory against seconds from the
start, the peak, a bracket at each profiled call's entry and exit (coloured per function, with a
legend), and one line per child process recorded with -M (with that child's brackets on it). Several
recordings are overlaid, each from its own start. Default: the newest recording (an index from
\`memprof list\`, -1 the newest, or a file), drawn into an HTML report next to it; the path written is
printed. The HTML report is one self-contained file: hover, zoom on a time range, toggle series.
With --report, a call's bracket and box link to its function's lines in an annotated-source page.
With --allocations, draws the heap profiles of a recording made with \`memprof run --heap-sampling\`
(or profile folders or .heapprofile files) as flame graphs of allocations by stack, per process and
thread, into <recording>-allocations.html: search, click to zoom, icicle view.`,
  options: [
    { name: 'output', short: 'o', value: 'file', description: 'write <file>: .html (interactive), .svg or .png' },
    { name: 'title', short: 't', value: 'text', description: 'title (default: the recorded command)' },
    { name: 'window', short: 'w', value: 'a,b', description: 'show seconds <a> to <b> from the start only' },
    { name: 'no-function-ts', short: 'n', description: 'no function brackets' },
    { name: 'slope', short: 's', description: 'a least-squares line per series, its slope (MiB/s) in the legend' },
    { name: 'flame', short: 'f', description: 'calls stacked under their callers over time, under the memory plot' },
    { name: 'report', value: 'page', description: 'link each call to its lines in <page>, made by memprof report --html' },
    { name: 'allocations', description: 'flame graphs of the heap profiles (memprof run --heap-sampling)' },
    { name: 'fold-packages', description: "with --allocations: a package's frames (node_modules) as one box" },
    { name: 'inverted', description: 'with --allocations: icicle view, the root at the top' },
    HELP_OPTION,
  ],
  parsing: { negativeNumbers: true },
  run: ({ values, positionals }, io) => drawRecordings(positionals, values, io),
};
