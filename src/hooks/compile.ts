// What the load hooks run instead of a file's source: its instrumented form when it has markers or is
// TypeScript, else the source untouched. A file memprof cannot instrument still runs (with one
// warning); a file that does not parse fails as Node would fail on it.
import type { instrument as instrumentFunction, InstrumentOptions } from '../instrument/instrumenter';
import { isTypeScriptFile, needsTransform, SourceSyntaxError } from '../instrument/file-kinds';
import { compileFunction } from 'node:vm';
import { spawnSync } from 'node:child_process';
import { rememberSource } from '../shared/source-lines';
import { enableSourceMaps } from './source-maps';
import { projectSettingsFor } from './project-config';
import { cacheKey, openTransformCache, type CachedTransform, type TransformCache } from './transform-cache';

let cache: TransformCache | undefined | null = null;

/** Babel is loaded only when a file actually has to be compiled (not on cache hits). */
function instrument(...args: Parameters<typeof instrumentFunction>): ReturnType<typeof instrumentFunction> {
  return (require('../instrument/instrumenter') as typeof import('../instrument/instrumenter')).instrument(...args);
}

/** Instruments through the on-disk cache (opened on first use). */
function cachedInstrument(source: string, filename: string, options: InstrumentOptions, instrumenter: typeof instrument): CachedTransform {
  if (cache === null) cache = openTransformCache();
  if (!cache || instrumenter !== instrument) return instrumenter(source, filename, options);
  const key = cacheKey(source, filename, options);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = instrumenter(source, filename, options);
  cache.set(key, result);
  return result;
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
  if (!needsTransform(source, filename)) return source;
  const options: InstrumentOptions = { runtime, moduleKind, ...(isTypeScriptFile(filename) ? projectSettingsFor(filename) : {}) };
  try {
    const result = cachedInstrument(source, filename, options, instrumenter);
    if (!result) return source;
    if (result.functions.length > 0) rememberSource(filename, source);
    return withSourceMap(result.code, result.map, filename, source);
  } catch (error) {
    if (error instanceof SourceSyntaxError) {
      if (isTypeScriptFile(filename)) throwFromNowhere(asUserSyntaxError(error));
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
    if (!isTypeScriptFile(filename)) return source;
    let compiled;
    try {
      compiled = instrument(source, filename, { ...options, profile: false });
    } catch (compileError) {
      if (compileError instanceof SourceSyntaxError) throwFromNowhere(asUserSyntaxError(compileError));
      throwFromNowhere(new Error(`memprof: cannot compile ${filename}: ${firstLine(compileError, filename)}`));
    }
    return compiled ? withSourceMap(compiled.code, compiled.map, filename, source) : source;
  }
}

/**
 * Every compiled file keeps its lines (the instrumenter retains them), and JavaScript its columns
 * outside profiled functions; each also carries an inline source map back to its source. TypeScript
 * needs it (types took room), so Node's own source map support is switched on for it. JavaScript
 * does not switch it on: that would also change how Node prints the frames of every other
 * source-mapped file the program loads. Its map is used when the program runs with source maps on
 * anyway (--enable-source-maps, or a TypeScript file), and by coverage tools; a file that carries its
 * own sourceMappingURL keeps it (its columns are unchanged outside profiled functions).
 */
function withSourceMap(code: string, map: object | null, filename: string, source: string): string {
  if (!map) return code;
  if (isTypeScriptFile(filename)) enableSourceMaps();
  else if (/^\s*\/\/[#@] sourceMappingURL=/m.test(source)) return code;
  const encoded = Buffer.from(JSON.stringify(map)).toString('base64');
  return `${code}${code.endsWith('\n') ? '' : '\n'}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${encoded}\n`;
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
