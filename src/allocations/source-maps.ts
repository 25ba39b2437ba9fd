// Frames moved to the original files and lines where the code V8 ran has a source map (a bundle, tsc
// or Babel output): the map named by the file's last `//# sourceMappingURL=` comment, inline (a data:
// URL) or a file beside it, decoded by Node's own SourceMap (node:module). V8 gives a function's start
// (where its parameters begin): mapped, that is the line of the function in the original source.
// Code memprof's hook compiled (TypeScript, marked files) keeps its lines: nothing to map there.
import { readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { classify, type Frame } from './frames';

/** Files bigger than this are not read for a comment: no generated file worth mapping is that big. */
const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

const COMMENT = /\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$/gm;

export interface LoadedMap {
  map: SourceMap;
  /** Where the map is: what its sources are relative to. */
  url: string;
}

/** The payload of a data: URL (base64 or percent-encoded). */
function dataUrlText(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const body = url.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

/** The source map of a generated file, or undefined when it has none (or one that cannot be read). */
export function loadSourceMap(file: string, warn: (message: string) => void): LoadedMap | undefined {
  if (!isAbsolute(file)) return undefined;
  let source: string;
  try {
    if (statSync(file).size > MAX_SOURCE_BYTES) return undefined;
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone since the run, or not a file: the frame stays as V8 gave it
  }
  let reference: string | undefined;
  for (const match of source.matchAll(COMMENT)) reference = match[1];
  if (!reference) return undefined;
  let text: string | undefined;
  let url = pathToFileURL(file).href;
  try {
    if (reference.startsWith('data:')) text = dataUrlText(reference);
    else {
      url = new URL(reference, pathToFileURL(file)).href;
      text = readFileSync(fileURLToPath(url), 'utf8');
    }
    if (text === undefined) return undefined;
    return { map: new SourceMap(JSON.parse(text) as SourceMapPayload), url };
  } catch (error) {
    warn(`cannot use the source map of ${file} (${(error as Error).message.split('\n')[0]}): its frames stay as V8 gave them`);
    return undefined;
  }
}

/** A map's source as a path when it names a file, else as it is (`webpack://...`). */
function sourcePath(source: string, mapUrl: string): string {
  try {
    const url = new URL(source, mapUrl);
    return url.protocol === 'file:' ? fileURLToPath(url) : source;
  } catch {
    return isAbsolute(source) ? source : resolve(dirname(fileURLToPath(mapUrl)), source);
  }
}

/** `frame` at its original place, or `frame` itself when the map has nothing for it. */
export function mapFrame(frame: Frame, loaded: LoadedMap): Frame {
  if (frame.line === 0) return frame;
  const entry = loaded.map.findEntry(frame.line - 1, Math.max(0, frame.column - 1)) as Partial<{
    originalSource: string;
    originalLine: number;
    originalColumn: number;
  }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined) return frame;
  const file = sourcePath(entry.originalSource, loaded.url);
  return {
    ...frame,
    file,
    line: entry.originalLine + 1,
    column: (entry.originalColumn ?? 0) + 1,
    ...classify(file),
    generated: `${frame.file}:${frame.line}:${frame.column}`,
  };
}

/** Maps every frame that has a map; each file is read once. `warn` gets one line per unusable map. */
export class SourceMapper {
  private readonly maps = new Map<string, LoadedMap | undefined>();

  constructor(private readonly warn: (message: string) => void) {}

  map(frames: readonly Frame[]): Frame[] {
    return frames.map((frame) => {
      if (frame.kind === 'v8' || frame.kind === 'node' || frame.kind === 'memprof') return frame;
      if (!this.maps.has(frame.file)) this.maps.set(frame.file, loadSourceMap(frame.file, this.warn));
      const loaded = this.maps.get(frame.file);
      return loaded ? mapFrame(frame, loaded) : frame;
    });
  }
}
