// The scripts V8 runs, as the inspector reports them (Debugger.scriptParsed): their URL, and the
// source map that leads from the code V8 runs back to the file the user wrote. Test runners compile
// files before running them (Jest's Babel, Vitest's esbuild), and their lines can move: a line the
// leak finder reports is always one of the user's file.
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readSourceMapReference } from '../../shared/source-map-files';
import type { InspectorSession } from './inspector';

interface Script {
  url: string;
  sourceMapURL: string;
  /** Read when first needed; null when the script has none, or it cannot be read. */
  map?: SourceMap | null;
}

/** A file path for a script URL (file:// URLs of ES modules), else the URL as it is. */
export function pathOf(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

function readSourceMap(script: Script): SourceMap | null {
  if (!script.sourceMapURL) return null;
  try {
    return new SourceMap(JSON.parse(readSourceMapReference(script.sourceMapURL, pathOf(script.url)).text));
  } catch {
    return null;
  }
}

export class ScriptCatalog {
  private readonly scripts = new Map<string, Script>();
  private readonly listener = (message: { params: unknown }) => {
    const { scriptId, url, sourceMapURL } = message.params as { scriptId: string; url: string; sourceMapURL?: string };
    if (url) this.scripts.set(scriptId, { url, sourceMapURL: sourceMapURL ?? '' });
  };

  /** Listens from now on; Debugger.enable then reports every script already parsed. */
  constructor(private readonly session: InspectorSession) {
    session.on('Debugger.scriptParsed', this.listener);
  }

  close(): void {
    this.session.off('Debugger.scriptParsed', this.listener);
  }

  url(scriptId: string): string | undefined {
    return this.scripts.get(scriptId)?.url;
  }

  /** The 1-based line of the user's file for a 0-based position in the script V8 runs. */
  originalLine(scriptId: string, lineNumber: number, columnNumber: number): number {
    const script = this.scripts.get(scriptId);
    if (!script) return lineNumber + 1;
    if (script.map === undefined) script.map = readSourceMap(script);
    const entry = script.map?.findEntry(lineNumber, Math.max(0, columnNumber)) as { originalLine?: number } | undefined;
    return entry && typeof entry.originalLine === 'number' ? entry.originalLine + 1 : lineNumber + 1;
  }

  /** `file:line` of a position, in the user's file. */
  describe(scriptId: string, lineNumber: number, columnNumber: number): string {
    return `${pathOf(this.url(scriptId) ?? `script ${scriptId}`)}:${this.originalLine(scriptId, lineNumber, columnNumber)}`;
  }
}
