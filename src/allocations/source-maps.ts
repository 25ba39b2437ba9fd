// Frames moved to the original files and lines where the code V8 ran has a source map (a bundle, tsc
// or Babel output): the map named by the file's last `//# sourceMappingURL=` comment, inline (a data:
// URL) or a file beside it, decoded by Node's own SourceMap (node:module). V8 gives a function's start
// (where its parameters begin): mapped, that is the line of the function in the original source.
// Code memprof's hook compiled (TypeScript, marked files) keeps its lines: nothing to map there.
import { readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { isAbsolute } from 'node:path';
import { readSourceMapReference, sourceFile, sourceMappingReference } from '../shared/source-map-files';
import { classify, type Frame } from './frames';

/** Files bigger than this are not read for a comment: no generated file worth mapping is that big. */
const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export interface LoadedMap {
  map: SourceMap;
  /** Where the map is (a path): what its sources are relative to, after `sourceRoot`. */
  location: string;
  sourceRoot: string | undefined;
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
  const reference = sourceMappingReference(source);
  if (!reference) return undefined;
  try {
    const { text, location } = readSourceMapReference(reference, file);
    const payload = JSON.parse(text) as SourceMapPayload;
    return { map: new SourceMap(payload), location, sourceRoot: payload.sourceRoot || undefined };
  } catch (error) {
    warn(`cannot use the source map of ${file} (${(error as Error).message.split('\n')[0]}): its frames stay as V8 gave them`);
    return undefined;
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
  // Node's SourceMap gives the source as the map writes it, without its sourceRoot.
  const file = sourceFile(entry.originalSource, loaded.sourceRoot, loaded.location);
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
