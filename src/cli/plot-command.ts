// `memprof plot [options] [<index|file>...]`: draws recordings (mprof's `plot`) into an HTML report,
// an SVG or a PNG (its options and help: commands/plot.ts). Thin: resolve the files, read them, build
// the plot data, render, write. Known errors are one line on stderr and a non-zero exit (usage errors
// propagate: exit 2 with the hint).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Io } from './command';
import { UsageError } from './errors';
import { DatError, damageWarning, requireSamples } from '../record/dat';
import { newestProfile, resolveProfiles } from '../record/housekeeping';
import { buildPlotData } from '../plot/model';
import { formatOf, renderAs, type PlotFormat } from '../plot/output';
import { PngError } from '../plot/png';
import { readRecording, type PlotRecording } from '../plot/recording';

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function parseWindow(value: string): [number, number] {
  const parts = value.split(',');
  if (parts.length !== 2 || !parts.every((part) => NUMBER.test(part))) {
    throw new UsageError(`--window must be two numbers of seconds from the start, like 1.5,4; got "${value}"`);
  }
  const [from, to] = parts.map(Number);
  if (!(to > from)) throw new UsageError(`--window must end after it starts; got "${value}"`);
  return [from, to];
}

function why(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return existsSync(dirname(path)) ? 'cannot create a file there' : 'no such directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return code ?? (error as Error).message;
  }
}

/** The default output: an HTML file next to the (first) recording. */
function defaultOutput(files: readonly string[]): string {
  const first = files[0];
  const stem = basename(first).replace(/\.dat$/i, '');
  const name = files.length === 1 ? `${stem}.html` : `${stem}-and-${files.length - 1}-more.html`;
  const dir = dirname(first);
  return dir === '.' ? name : join(dir, name);
}

function isEmptyFile(path: string): boolean {
  try {
    return statSync(path).size === 0;
  } catch {
    return false;
  }
}

export async function plotCommand(positionals: string[], values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const output = values.output as string | undefined;
  let format: PlotFormat = 'html';
  if (output !== undefined) {
    const wanted = formatOf(output);
    if (!wanted) throw new UsageError(`--output must end in .html, .svg or .png; got "${output}"`);
    format = wanted;
  }
  const window = typeof values.window === 'string' ? parseWindow(values.window) : undefined;
  const title = values.title as string | undefined;

  const names = positionals.length > 0 ? resolveProfiles(positionals, io.cwd) : [newestProfile(io.cwd)];
  if (positionals.length === 0) io.stderr.write(`memprof: using the newest recording, ${names[0]}\n`);
  const at = (path: string) => (isAbsolute(path) ? path : join(io.cwd, path));
  const files: PlotRecording[] = [];
  for (const name of names) {
    if (isEmptyFile(at(name))) throw new DatError(`${name} is empty: not a memory recording`);
    // Read as a stream and decimated as it is read: a recording of hours plots in bounded memory.
    const { recording, scan } = readRecording(at(name), name);
    const warning = damageWarning(scan);
    if (warning) io.stderr.write(`memprof: warning: ${warning}\n`);
    requireSamples(scan);
    files.push(recording);
  }

  const data = buildPlotData(files, { title });
  if (window && !data.series.some((series) => series.time.some((time) => time >= window[0] && time <= window[1]))) {
    io.stderr.write(
      `memprof: warning: no sample between ${window[0]} and ${window[1]} s (the data spans ${data.span[0].toFixed(2)} to ${data.span[1].toFixed(2)} s)\n`,
    );
  }
  if (values.flame === true && data.calls.length === 0) {
    io.stderr.write('memprof: warning: no function markers in the recording, so the flame view is empty (mark functions with profile)\n');
  }
  let content: string | Buffer;
  try {
    content = renderAs(format, data, { window, functionTs: values['no-function-ts'] !== true, slope: values.slope === true, flame: values.flame === true });
  } catch (error) {
    if (error instanceof PngError) {
      io.stderr.write(`memprof: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const target = output ?? defaultOutput(names);
  try {
    writeFileSync(at(target), content);
  } catch (error) {
    io.stderr.write(`memprof: cannot write ${target}: ${why(error, at(target))}\n`);
    return 1;
  }
  io.stdout.write(`${target}\n`);
  return 0;
}
