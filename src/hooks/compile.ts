// What the load hooks run instead of a file's source: its instrumented form when it has markers (or
// its original sources have: see compiled-origin.ts), is TypeScript, or is named by MEMPROF_INCLUDE
// (every function profiled), else the source untouched. A file memprof cannot instrument still runs (with one
// warning); a file that does not parse fails as Node would fail on it.
import type { instrument as instrumentFunction, InstrumentOptions, InstrumentResult, OriginalSources } from '../instrument/instrumenter';
import { isTypeScriptFile, mayContainMarkers, SourceSyntaxError } from '../instrument/file-kinds';
import { compiledByAnotherLoader, compiledOrigin, hasSourceMappingComment, mayHaveSourceMap } from './compiled-origin';
import { compileFunction } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { rememberSource } from '../shared/source-lines';
import { enableSourceMaps } from './source-maps';
import type { ProjectSettings } from './project-config';
import { openTransformCache, type CachedTransform, type TransformCache } from './transform-cache';
import { isIncluded } from './included-files';

let cache: TransformCache | undefined | null = null;

/** Babel is loaded only when a file actually has to be compiled (not on cache hits). */
function instrument(...args: Parameters<typeof instrumentFunction>): ReturnType<typeof instrumentFunction> {
  return (require('../instrument/instrumenter') as typeof import('../instrument/instrumenter')).instrument(...args);
}

/** TypeScript only: reading tsconfig.json loads Babel's types, which a warm JavaScript start-up never needs. */
function projectSettingsFor(filename: string): ProjectSettings {
  return (require('./project-config') as typeof import('./project-config')).projectSettingsFor(filename);
}

/**
 * The code Node runs for a file, through the on-disk cache (opened on first use): a hit is all a
 * warm start-up reads.
 */
function cachedInstrument(source: string, filename: string, options: InstrumentOptions, instrumenter: typeof instrument): string | null {
  const original = options.original;
  if (cache === null) cache = openTransformCache();
  if (!cache || instrumenter !== instrument) return runnable(stored(compiled(source, filename, options, instrumenter), filename), filename, source, original);
  let entry = cache.get(source, filename, options);
  if (entry === undefined) cache.set(source, filename, options, (entry = stored(compiled(source, filename, options, instrumenter), filename)));
  return runnable(entry, filename, source, original);
}

/** null for JavaScript with nothing to profile: it only says "profile" (decided here, after the cache). */
function compiled(source: string, filename: string, options: InstrumentOptions, instrumenter: typeof instrument): InstrumentResult | null {
  if (options.javascript && !options.original && !options.profileAll && !mayContainMarkers(source)) return null;
  return instrumenter(source, filename, options);
}

/**
 * What the cache keeps of a compiled file: its map as text, its sources as absolute URLs (the map
 * is attached inline, where a relative source would be relative to nothing).
 */
function stored(result: InstrumentResult | null, filename: string): CachedTransform {
  if (!result) return null;
  const map = result.map as { sources?: unknown; sourceRoot?: unknown } | null;
  if (!map || !Array.isArray(map.sources)) return { code: result.code, functions: result.functions, map: map ? JSON.stringify(map) : null };
  const base = pathToFileURL(filename);
  const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
  const sources = map.sources.map((source: unknown) => (typeof source === 'string' ? new URL(root + source, base).href : source));
  const { sourceRoot: _unused, ...rest } = map;
  return { code: result.code, functions: result.functions, map: JSON.stringify({ ...rest, sources }) };
}

/** The instrumented code with its source map attached, its sources remembered for the tables. */
function runnable(result: CachedTransform, filename: string, source: string, original: OriginalSources | undefined): string | null {
  if (!result) return null;
  rememberSources(result, filename, source, original);
  return withSourceMap(result, source);
}

export type ModuleKind = InstrumentOptions['moduleKind'];

const optionsBySettings = new Map<string, InstrumentOptions>();
const optionsByProject = new WeakMap<ProjectSettings, Map<string, InstrumentOptions>>();

/**
 * One options object for every file compiled alike (the cache then reads its JSON once, not once a
 * file): JavaScript by module kind and MEMPROF_INCLUDE, TypeScript also by its project's settings.
 */
function sharedOptions(runtime: string, moduleKind: ModuleKind, profileAll: boolean, project: ProjectSettings | undefined): InstrumentOptions {
  let byKind = project ? optionsByProject.get(project) : optionsBySettings;
  if (!byKind) optionsByProject.set(project!, (byKind = new Map()));
  const key = `${runtime}\0${moduleKind}\0${profileAll}`;
  let options = byKind.get(key);
  if (!options) {
    options = { runtime, moduleKind, ...(profileAll ? { profileAll } : {}), ...(project ?? { javascript: true }) };
    byKind.set(key, options);
  }
  return options;
}

/** `instrumenter` is replaceable so that tests can make instrumentation fail on purpose. */
export function compileForHook(
  source: string,
  filename: string,
  moduleKind: ModuleKind,
  runtime: string,
  instrumenter: typeof instrumentFunction = instrument,
): string {
  // TypeScript from another loader (ts-node, tsx) is JavaScript now; JavaScript with a source map has
  // its original sources, where the markers and the lines of the tables are.
  const javascript = !isTypeScriptFile(filename) || compiledByAnotherLoader(source, filename);
  const original = javascript && mayHaveSourceMap(source, filename) ? compiledOrigin(source, filename) : undefined;
  const profileAll = isIncluded(filename);
  // JavaScript that only says "profile" is settled in cachedInstrument: the cache first, then the marker scan.
  const options = original
    ? { ...sharedOptions(runtime, moduleKind, profileAll, javascript ? undefined : projectSettingsFor(filename)), original }
    : sharedOptions(runtime, moduleKind, profileAll, javascript ? undefined : projectSettingsFor(filename));
  try {
    // TypeScript's types took room: its stack traces need the map (see withSourceMap).
    if (!javascript) enableSourceMaps();
    return cachedInstrument(source, filename, options, instrumenter) ?? source;
  } catch (error) {
    if (error instanceof SourceSyntaxError) {
      if (!javascript) throwFromNowhere(asUserSyntaxError(error));
      // JavaScript: let Node report its own error on the original source, exactly as without memprof;
      // and if Node can compile what Babel could not, say that this file runs unprofiled.
      if (moduleKind === 'commonjs' ? compilesAsCommonJs(source, filename) : compilesAsModule(source)) {
        warn(`could not instrument ${filename}: ${error.reason} at line ${error.line}; it runs unprofiled`);
      } else if (moduleKind === 'commonjs' && /sourceType: "module"|import\.meta/.test(error.reason)) {
        // Node may run it as an ES module anyway (syntax detection); only the ESM hooks can profile it.
        warn(`${filename} is an ES module: run with --import memprof/register to profile it (with -r it runs unprofiled)`);
      }
      return source;
    }
    warn(`could not instrument ${filename}: ${firstLine(error, filename)}; it runs unprofiled`);
    if (javascript) return source;
    let compiled;
    try {
      compiled = instrument(source, filename, { ...options, profile: false });
    } catch (compileError) {
      if (compileError instanceof SourceSyntaxError) throwFromNowhere(asUserSyntaxError(compileError));
      throwFromNowhere(new Error(`memprof: cannot compile ${filename}: ${firstLine(compileError, filename)}`));
    }
    const runnable = stored(compiled, filename);
    return runnable ? withSourceMap(runnable, source) : source;
  }
}

/** The text the tables of the file's functions read their lines from. */
function rememberSources(result: CachedTransform & object, filename: string, source: string, original: OriginalSources | undefined): void {
  for (const fn of result.functions) {
    const file = fn.file ?? filename;
    const index = original ? original.files.indexOf(file) : -1;
    const text = index >= 0 ? original!.contents[index] : file === filename ? source : null;
    if (text !== null) rememberSource(file, text);
  }
}

/**
 * Every compiled file keeps its lines (the instrumenter retains them), and JavaScript its columns
 * outside profiled functions; each also has a source map back to its source. It goes with the code
 * (inline) when something in the process reads maps as files load: Node's source map support (on
 * for TypeScript, see below; or --enable-source-maps), coverage (NODE_V8_COVERAGE), a debugger
 * (--inspect). Otherwise nothing would read it, and V8 would keep its text in the heap with the
 * code of every file. JavaScript does not switch Node's support on: that would also change how Node
 * prints the frames of every other source-mapped file the program loads. A file that carries its own
 * sourceMappingURL keeps it (its columns are unchanged outside profiled functions).
 */
export function withSourceMap(result: { code: string; map: string | null }, source: string): string {
  const code = result.code;
  // Asked before the map is: a cached map is decoded only when it is attached (transform-packs.ts).
  if (!sourceMapsRead() || hasSourceMappingComment(source)) return code;
  const map = result.map;
  if (!map) return code;
  const url = `data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}`;
  return `${code}${code.endsWith('\n') ? '' : '\n'}//# sourceMappingURL=${url}\n`;
}

const READS_MAPS = /--enable-source-maps|--inspect/;
/** What the process was started with does not change: asked once. Node's own support can be turned on later. */
let startedReadingMaps: boolean | undefined;

function sourceMapsRead(): boolean {
  startedReadingMaps ??=
    Boolean(process.env.NODE_V8_COVERAGE) || READS_MAPS.test(process.execArgv.join(' ')) || READS_MAPS.test(process.env.NODE_OPTIONS ?? '');
  return startedReadingMaps || (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
}

/** Shaped like Node's own syntax errors: location, code frame, message, the user's file as the frame. */
function asUserSyntaxError(error: SourceSyntaxError): SyntaxError {
  const userError = new SyntaxError(error.reason);
  userError.stack =
    `${error.file}:${error.line}\n${error.codeFrame}\n\n` +
    `SyntaxError: ${error.reason}\n    at ${error.file}:${error.line}:${error.column + 1}`;
  return userError;
}

/**
 * Throws `error` from a one-line function whose source carries Node's marker
 * "node-do-not-add-exception-line": Node then prints no source line of its own above the error
 * (it would be this hook's throw, memprof's file), only the error's stack, which starts with the
 * user's file, line and code frame. The error stays an ordinary exception of the require() call.
 */
const rethrow = compileFunction('throw error; // node-do-not-add-exception-line', ['error'], { filename: 'memprof' }) as (error: unknown) => never;
function throwFromNowhere(error: unknown): never {
  return rethrow(error);
}

function compilesAsCommonJs(source: string, filename: string): boolean {
  try {
    compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
    return true;
  } catch {
    return false;
  }
}

/** An error's first line, without the file name Babel puts in front of it. */
function firstLine(error: unknown, filename: string): string {
  return String((error as Error)?.message ?? error).split('\n')[0].replace(`${filename}: `, '');
}

/**
 * Would Node accept this ES module's syntax? Node has no in-process check for modules (vm modules
 * need a flag), so a child `node --check` answers; this runs only for files Babel could not parse.
 */
function compilesAsModule(source: string): boolean {
  // Loaded here: node:child_process (and net, dgram) would be 4 ms of every start-up that compiles.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const check = spawnSync(process.execPath, ['--check', '--input-type=module'], {
    input: source,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return check.status === 0;
}

function warn(message: string): void {
  process.stderr.write(`memprof: warning: ${message}\n`);
}
