// What the load hooks run instead of a file's source: its instrumented form when it has markers or is
// TypeScript, else the source untouched. A file memprof cannot instrument still runs (with one
// warning); a file that does not parse fails as Node would fail on it.
import { instrument, isTypeScriptFile, needsTransform, SourceSyntaxError, type InstrumentOptions } from '../instrument/instrumenter';
import { rememberSource } from '../report/source-lines';
import { decoratorFlavourFor } from './project-config';
import { rememberSourceMap } from './source-maps';

export type ModuleKind = InstrumentOptions['moduleKind'];

/** `instrumenter` is replaceable so that tests can make instrumentation fail on purpose. */
export function compileForHook(
  source: string,
  filename: string,
  moduleKind: ModuleKind,
  runtime: string,
  instrumenter: typeof instrument = instrument,
): string {
  if (!needsTransform(source, filename)) return source;
  const options: InstrumentOptions = { runtime, moduleKind, decorators: decoratorFlavourFor(filename) };
  try {
    const result = instrumenter(source, filename, options);
    if (!result) return source;
    if (result.functions.length > 0) rememberSource(filename, source);
    rememberSourceMap(filename, result.map);
    return result.code;
  } catch (error) {
    if (error instanceof SourceSyntaxError) {
      // JavaScript: let Node report its own error on the original source, exactly as without memprof.
      if (!isTypeScriptFile(filename)) return source;
      throw asUserSyntaxError(error);
    }
    warn(`could not instrument ${filename}: ${(error as Error).message.split('\n')[0]}; it runs unprofiled`);
    if (!isTypeScriptFile(filename)) return source;
    const compiled = instrument(source, filename, { ...options, profile: false });
    rememberSourceMap(filename, compiled?.map ?? null);
    return compiled?.code ?? source;
  }
}

/** Shaped like Node's own syntax errors: location, code frame, message, the user's file as the frame. */
function asUserSyntaxError(error: SourceSyntaxError): SyntaxError {
  const userError = new SyntaxError(error.reason);
  userError.stack =
    `${error.file}:${error.line}\n${error.codeFrame}\n\n` +
    `SyntaxError: ${error.reason}\n    at ${error.file}:${error.line}:${error.column + 1}`;
  return userError;
}

function warn(message: string): void {
  process.stderr.write(`memprof: warning: ${message}\n`);
}
