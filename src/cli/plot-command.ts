// `memprof plot [options] [<index|file>...]`: draws recordings (mprof's `plot`) into an HTML report,
// an SVG or a PNG (its options and help: commands/plot.ts). Thin: resolve the files, read them (and
// the annotated-source page of --report, for the calls' links), build the plot data, render, write;
// with --allocations, the same for the flame graphs of the recordings'
// heap profiles (src/plot/allocations). Known errors are one line on stderr and a non-zero exit (usage
// errors propagate: exit 2 with the hint).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeWholeFile } from '../shared/whole-file';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Io } from './command';
import { CliError, UsageError } from './errors';
import { DatError, damageWarning, requireSamples } from '../record/dat';
import { newestProfile, resolveProfiles } from '../record/housekeeping';
import { displayPath } from '../record/output-file';
import { buildPlotData } from '../plot/model';
import { formatOf, renderAs, type PlotFormat } from '../plot/output';
import { PngError } from '../plot/png';
import { readRecording, type PlotRecording } from '../plot/recording';
import { ReportLinkError, reportLinker } from '../plot/report-links';
import { buildAllocationData } from '../plot/allocations/data';
import { renderAllocationsAs } from '../plot/allocations/output';
import { readAllocationInputs } from './allocation-inputs';

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

function outputFormat(output: string | undefined): PlotFormat {
  if (output === undefined) return 'html';
  const wanted = formatOf(output);
  if (!wanted) throw new UsageError(`--output must end in .html, .svg or .png; got "${output}"`);
  return wanted;
}

/** Writes the picture; 0, or 1 after saying why it could not. */
function writeOutput(target: string, render: () => string | Buffer, io: Io): number {
  let bytes: string | Buffer;
  try {
    bytes = render();
  } catch (error) {
    if (!(error instanceof PngError)) throw error;
    io.stderr.write(`memprof: ${error.message}\n`);
    return 1;
  }
  const path = isAbsolute(target) ? target : join(io.cwd, target);
  try {
    writeWholeFile(path, bytes);
  } catch (error) {
    io.stderr.write(`memprof: cannot write ${target}: ${why(error, path)}\n`);
    return 1;
  }
  io.stdout.write(`${target}\n`);
  return 0;
}

/** Options of the timeline that mean nothing for flame graphs. */
const TIMELINE_ONLY = ['window', 'no-function-ts', 'slope', 'flame', 'report'];
const FLAME_ONLY = ['fold-packages', 'inverted'];

/** `memprof plot --allocations`: the flame graphs of the recordings' heap profiles. */
function plotAllocations(positionals: string[], values: Record<string, string | boolean | undefined>, io: Io): number {
  const misplaced = TIMELINE_ONLY.find((name) => values[name] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} is for the timeline: --allocations draws flame graphs`);
  const output = values.output as string | undefined;
  const format = outputFormat(output);
  const profiles = readAllocationInputs(positionals, io);
  const names = profiles.map((profile) => profile.path);
  const data = buildAllocationData(profiles, (values.title as string | undefined) ?? '');
  const view = { fold: values['fold-packages'] === true, inverted: values.inverted === true };
  // Default: beside the (first) recording, mprofile_<stamp>-allocations.html; beside a profile file
  // given on its own, <its name>-allocations.html.
  const folder = dirname(names[0]);
  const beside = folder.endsWith('.heapprofiles')
    ? join(dirname(folder), `${basename(folder, '.heapprofiles')}-allocations.html`)
    : join(folder, `${basename(names[0]).replace(/\.[^.]*$/, '')}-allocations.html`);
  const target = output ?? displayPath(beside, io.cwd);
  return writeOutput(target, () => renderAllocationsAs(format, data, view), io);
}

/**
 * --report <page>: links from the calls to their lines in an annotated-source page, addressed from
 * where the picture is written. The page must be readable and be one (exit 1 otherwise).
 */
function reportLinks(report: string, target: string, io: Io): (file: string, line: number) => string | undefined {
  const at = (path: string) => (isAbsolute(path) ? path : join(io.cwd, path));
  let html: string;
  try {
    html = readFileSync(at(report), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new CliError(`cannot read --report ${report}: ${reason}`, 1);
  }
  const address = relative(dirname(at(target)), at(report)).split(sep).join('/');
  try {
    return reportLinker(html, address, report);
  } catch (error) {
    if (error instanceof ReportLinkError) throw new CliError(error.message, 1);
    throw error;
  }
}

export async function plotCommand(positionals: string[], values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  if (values.allocations === true) return plotAllocations(positionals, values, io);
  const misplaced = FLAME_ONLY.find((name) => values[name] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} is for flame graphs of allocations: add --allocations`);
  const output = values.output as string | undefined;
  const format = outputFormat(output);
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

  const target = output ?? defaultOutput(names);
  const report = values.report as string | undefined;
  const linkOf = report === undefined ? undefined : reportLinks(report, target, io);
  const data = buildPlotData(files, { title, linkOf });
  if (window && !data.series.some((series) => series.time.some((time) => time >= window[0] && time <= window[1]))) {
    io.stderr.write(
      `memprof: warning: no sample between ${window[0]} and ${window[1]} s (the data spans ${data.span[0].toFixed(2)} to ${data.span[1].toFixed(2)} s)\n`,
    );
  }
  if (values.flame === true && data.calls.length === 0) {
    io.stderr.write('memprof: warning: no function markers in the recording, so the flame view is empty (mark functions with profile)\n');
  }
  const view = { window, functionTs: values['no-function-ts'] !== true, slope: values.slope === true, flame: values.flame === true };
  if (linkOf && !data.sites?.some((site) => site.href !== undefined)) {
    io.stderr.write(`memprof: warning: no call of the recording has its lines in ${report} (its files are not the ones profiled, or the recording has no CALL lines)\n`);
  }
  return writeOutput(target, () => renderAs(format, data, view), io);
}
