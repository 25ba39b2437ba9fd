// Cheap questions about a file, answered without loading Babel: the load hooks ask them of every
// file, and most files need nothing from memprof.
import { hasMarkerSyntax } from './marker-scan';

const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/;
const MARKER_WORD = /\bprofile\b/;

export function isTypeScriptFile(filename: string): boolean {
  return TYPESCRIPT_FILE.test(filename) && !filename.endsWith('.d.ts');
}

/** Does the text say "profile" at all? Most files do not, and then have nothing to instrument. */
export function mentionsProfile(source: string): boolean {
  return source.includes('profile') && MARKER_WORD.test(source);
}

let lastScanned: { source: string; found: boolean } | undefined;

/**
 * A file that never says "profile" has nothing to instrument (most files: one regular expression
 * decides); one that does is scanned for a marker in code or an `@profile` comment (marker-scan.ts).
 * The hooks and the instrumenter ask of the same text in turn: the last answer is kept.
 */
export function mayContainMarkers(source: string): boolean {
  if (!mentionsProfile(source)) return false;
  if (lastScanned?.source !== source) lastScanned = { source, found: hasMarkerSyntax(source) };
  return lastScanned.found;
}

/** TypeScript always needs compiling; JavaScript only when it may mark functions. */
export function needsTransform(source: string, filename: string): boolean {
  return isTypeScriptFile(filename) || mayContainMarkers(source);
}

/** A syntax error in the user's file, located in the user's terms (no Babel internals). */
export class SourceSyntaxError extends SyntaxError {
  override name = 'SyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    readonly codeFrame: string,
  ) {
    super(`${reason} (${file}:${line}:${column + 1})`);
  }
}
