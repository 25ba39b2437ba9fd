// Source maps as generated files name them, read the same way wherever memprof follows one (the
// hooks, for compiled files' markers; allocation frames; the leak finder's lines): the code's last
// `//# sourceMappingURL=` comment names the map, inline (a data: URL) or a file relative to the
// generated one; a map's sources are relative to the map's own location, after its sourceRoot.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The comment, ending its line (on a line of its own, as compilers write it, or after code, as Node and V8 also read it). */
const SOURCE_MAPPING_COMMENT = /\/\/[#@][ \t]*sourceMappingURL=([^\s'"`]+)[ \t]*$/gm;

/** The reference of the code's last sourceMappingURL comment (the one that counts), if it has one. */
export function sourceMappingReference(code: string): string | undefined {
  if (!code.includes('sourceMappingURL=')) return undefined;
  let reference: string | undefined;
  for (const match of code.matchAll(SOURCE_MAPPING_COMMENT)) reference = match[1];
  return reference;
}

export interface SourceMapText {
  /** The map, as JSON text. */
  text: string;
  /** Where the map is, as a path (the generated file itself for an inline map): what its sources are relative to. */
  location: string;
}

/**
 * The map a reference names (a sourceMappingURL comment's, or the inspector's `sourceMapURL`), for the
 * generated file at `generatedFile` (a path). Throws when it cannot be read: not there, or not a
 * data: or file location.
 */
export function readSourceMapReference(reference: string, generatedFile: string): SourceMapText {
  if (reference.startsWith('data:')) return { text: dataUrlText(reference), location: generatedFile };
  const location = fileURLToPath(new URL(reference, pathToFileURL(generatedFile)));
  return { text: readFileSync(location, 'utf8'), location };
}

/** The payload of a data: URL, base64 or percent-encoded. */
function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('a data: URL without a comma');
  const header = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/**
 * A map's source as a file path, as the source map specification resolves it (sourceRoot, then the
 * map's location); an absolute source ignores sourceRoot; a source that names no file
 * (`webpack://app/x.ts`) is kept as written.
 */
export function sourceFile(source: string, sourceRoot: string | undefined, mapLocation: string): string {
  const root = sourceRoot ? (sourceRoot.endsWith('/') ? sourceRoot : `${sourceRoot}/`) : '';
  const written = isAbsolute(source) || URL_SCHEME.test(source) ? source : root + source;
  try {
    const url = new URL(written, pathToFileURL(mapLocation));
    if (url.protocol !== 'file:') return written;
    return fileURLToPath(url);
  } catch {
    // Not a URL after all (a literal `%` in a file name): a path relative to the map.
    return resolve(dirname(mapLocation), written);
  }
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
