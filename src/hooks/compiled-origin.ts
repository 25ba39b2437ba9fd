// Where the code the hooks are given came from. Compiled JavaScript (tsc's or esbuild's dist/*.js,
// or what ts-node and tsx hand over for a .ts file) carries a source map, inline or in a `.map` file
// (named by its sourceMappingURL comment, or beside it with the same name); read back with the original sources' text, it lets the instrumenter find the markers a
// compiler dropped and show the original lines (src/instrument/original-source.ts). Kept light: the
// require hook asks `needsCompile` of every file before the compiler is loaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isTypeScriptFile, mayContainMarkers, mentionsProfile } from '../instrument/file-kinds';
import type { OriginalSources } from '../instrument/original-source';
import { readSourceMapReference, sourceFile, sourceMappingReference } from '../shared/source-map-files';
import { isIncluded } from './included-files';

/** Does the code name a source map of its own (the comment as readOrigin reads it)? */
export function hasSourceMappingComment(code: string): boolean {
  return sourceMappingReference(code) !== undefined;
}
const BOM = /^\uFEFF/;

/**
 * May the hooks have to compile this code: TypeScript, MEMPROF_INCLUDE, code that says "profile", or
 * an original source with a marker? Code that only says "profile" is settled by compileForHook, which
 * asks the transform cache before scanning for markers (a warm start-up scans nothing).
 */
export function needsCompile(code: string, filename: string): boolean {
  if (isTypeScriptFile(filename) || mentionsProfile(code) || isIncluded(filename)) return true;
  if (!mayHaveSourceMap(code, filename)) return false;
  return compiledOrigin(code, filename)?.contents.some((content) => content !== null && mayContainMarkers(content)) ?? false;
}

/** A sourceMappingURL comment, or a `.map` beside the file: then the code may have been compiled from other sources. */
export function mayHaveSourceMap(code: string, filename: string): boolean {
  return code.includes('sourceMappingURL=') || (namesIn(dirname(filename)).has(`${basename(filename)}.map`) && isFile(`${filename}.map`));
}

/**
 * The names in a folder, listed once: a start-up asks of every marked file whether a `.map` lies
 * beside it, and one listing per folder costs less than a stat per file. (A map written into the
 * folder while the program runs is not seen; no compiler writes one beside a file being loaded.)
 */
const folderNames = new Map<string, Set<string>>();
function namesIn(folder: string): Set<string> {
  let names = folderNames.get(folder);
  if (!names) {
    try {
      names = new Set(readdirSync(folder));
    } catch {
      names = new Set();
    }
    folderNames.set(folder, names);
  }
  return names;
}

/** Asked without the exception existsSync makes inside for a missing file (most files have no .map). */
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * A TypeScript file whose code is not its own text was compiled by another loader (ts-node, tsx, or
 * any that calls the module's _compile with its output): it is JavaScript now.
 */
export function compiledByAnotherLoader(code: string, filename: string): boolean {
  if (!isTypeScriptFile(filename)) return false;
  try {
    return readFileSync(filename, 'utf8').replace(BOM, '') !== code.replace(BOM, '');
  } catch {
    // Not on disk (a virtual module): its code is all there is.
    return false;
  }
}

let last: { code: string; filename: string; origin: OriginalSources | undefined } | undefined;

/** The sources `code` was compiled from, per its source map; undefined without a usable map. */
export function compiledOrigin(code: string, filename: string): OriginalSources | undefined {
  if (last && last.code === code && last.filename === filename) return last.origin;
  const origin = readOrigin(code, filename);
  last = { code, filename, origin };
  return origin;
}

interface RawSourceMap {
  version?: number;
  sources?: Array<string | null>;
  sourcesContent?: Array<string | null>;
  sourceRoot?: string;
  mappings?: string;
  sections?: unknown[];
}

function readOrigin(code: string, filename: string): OriginalSources | undefined {
  const reference = sourceMappingReference(code);
  // Without a sourceMappingURL comment, a `.map` beside the file (esbuild's `sourcemap: 'external'`).
  // Asking first is cheaper than the exception of reading a file that is not there (most files).
  if (!reference && !isFile(`${filename}.map`)) return undefined;
  let map: RawSourceMap & { file?: string };
  let mapFile: string;
  try {
    const read = reference ? readSourceMapReference(reference, filename) : { text: readFileSync(`${filename}.map`, 'utf8'), location: `${filename}.map` };
    map = JSON.parse(read.text) as RawSourceMap;
    mapFile = read.location;
    if (!reference && map.file !== undefined && map.file !== basename(filename)) return undefined;
  } catch {
    return undefined; // no map after all, or not one memprof can read: the code is all there is
  }
  if (map.version !== 3 || !Array.isArray(map.sources) || (typeof map.mappings !== 'string' && !map.sections)) return undefined;
  const files = map.sources.map((source) => sourceFile(source ?? '', map.sourceRoot, mapFile));
  const contents = files.map((file, index) => {
    const content = map.sourcesContent?.[index];
    if (typeof content === 'string') return content;
    try {
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    } catch {
      return null;
    }
  });
  if (contents.every((content) => content === null)) return undefined;
  return { map, files, contents };
}
