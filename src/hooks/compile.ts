// What the load hooks run instead of a file's source: its instrumented form when it has markers (or
// its original sources have: see compiled-origin.ts), is TypeScript, or is named by MEMPROF_INCLUDE
// (every function profiled), else the source untouched. A file memprof cannot instrument still runs (with one
// warning); a file that does not parse fails as Node would fail on it.
import type { instrument as instrumentFunction, InstrumentOptions, OriginalSources } from '../instrument/instrumenter';
import { isTypeScriptFile, mayContainMarkers, SourceSyntaxError } from '../instrument/file-kinds';
import { compiledByAnotherLoader, compiledOrigin, hasSourceMappingComment, mayHaveSourceMap } from './compiled-origin';
import { compileFunction } from 'node:vm';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { rememberSource } from '../shared/source-lines';
import { enableSourceMaps } from './source-maps';
import type { ProjectSettings } from './project-config';
import { cacheKey, openTransformCache, type CachedTransform, type TransformCache } from './transform-cache';
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
 * The code Node runs for a file, through the on-disk cache (opened on first use): the instrumented
 * code with its source map, which is all a warm start-up reads. With the cache, the map is the
 * cache's entry file and the code points at it (a long inline map is text V8 would scan at every
 * start-up); without, it is inline.
 */
function cachedInstrument(source: string, filename: string, options: InstrumentOptions, instrumenter: typeof instrument): string | null {
  const original = options.original;
  if (cache === null) cache = openTransformCache();
  if (!cache || instrumenter !== instrument) return runnable(compiled(source, filename, options, instrumenter), filename, source, original);
  const key = cacheKey(source, filename, options);
  const hit = cache.get(key);
  return runnable(hit !== undefined ? hit : cache.set(key, anchored(compiled(source, filename, options, instrumenter), filename)), filename, source, original);
}

/** null for JavaScript with nothing to profile: it only says "profile" (decided here, after the cache). */
function compiled(source: string, filename: string, options: InstrumentOptions, instrumenter: typeof instrument): CachedTransform {
  if (options.javascript && !options.original && !options.profileAll && !mayContainMarkers(source)) return null;
  return instrumenter(source, filename, options);
}

/**
 * The map's sources as absolute URLs: a map in the cache's folder would otherwise name files beside
 * itself (a map's sources are relative to where the map is).
 */
function anchored(result: CachedTransform, filename: string): CachedTransform {
  const map = result?.map as { sources?: unknown; sourceRoot?: unknown } | null | undefined;
  if (!result || !map || !Array.isArray(map.sources)) return result;
  const base = pathToFileURL(filename);
  const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
  const sources = map.sources.map((source: unknown) => (typeof source === 'string' ? new URL(root + source, base).href : source));
  const { sourceRoot: _unused, ...rest } = map;
  return { ...result, map: { ...rest, sources } };
}

/** The instrumented code with its source map attached, its sources remembered for the tables. */
function runnable(result: CachedTransform, filename: string, source: string, original: OriginalSources | undefined): string | null {
  if (!result) return null;
  rememberSources(result, filename, source, original);
  return withSourceMap(result.code, result.map, filename, source, result.mapFile);
}

export type ModuleKind = InstrumentOptions['moduleKind'];

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
  const options: InstrumentOptions = {
    runtime,
    moduleKind,
    ...(profileAll ? { profileAll } : {}),
    ...(javascript ? { javascript } : projectSettingsFor(filename)),
    ...(original ? { original } : {}),
  };
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
    return compiled ? withSourceMap(compiled.code, compiled.map, filename, source, undefined) : source;
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
 * outside profiled functions; each also carries a source map back to its source, in a file
 * (`mapFile`, the cache's entry) or inline. TypeScript needs it (types took room), so Node's own source map
 * support is switched on for it. JavaScript does not switch it on: that would also change how Node
 * prints the frames of every other source-mapped file the program loads. Its map is used when the
 * program runs with source maps on anyway (--enable-source-maps, or a TypeScript file), by debuggers
 * and by coverage tools; a file that carries its own sourceMappingURL keeps it (its columns are
 * unchanged outside profiled functions).
 */
function withSourceMap(code: string, map: object | null, filename: string, source: string, mapFile: string | undefined): string {
  if (!map) return code;
  if (hasSourceMappingComment(source)) return code;
  // Node reads a map file only through a URL without a scheme (a path relative to the file), not a
  // file: URL; on another Windows drive there is no relative path, so the map goes inline.
  const path = mapFile === undefined ? undefined : relativePath(filename, mapFile);
  const url =
    path !== undefined && !isAbsolute(path)
      ? encodeURI(path.split(sep).join('/'))
      : `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  return `${code}${code.endsWith('\n') ? '' : '\n'}//# sourceMappingURL=${url}\n`;
}

const relativeFolders = new Map<string, string>();

/** `relative(dirname(from), to)`, its folders' part computed once per pair of folders (a start-up has few). */
function relativePath(from: string, to: string): string {
  const fromFolder = dirname(from);
  const toFolder = dirname(to);
  const pair = `${fromFolder}\0${toFolder}`;
  let folder = relativeFolders.get(pair);
  if (folder === undefined) relativeFolders.set(pair, (folder = relative(fromFolder, toFolder)));
  if (isAbsolute(folder)) return to; // another Windows drive: there is no relative path
  return folder === '' ? basename(to) : `${folder}${sep}${basename(to)}`;
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
