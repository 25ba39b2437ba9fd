// A stack frame of an allocation profile, as memprof's reports name it: the function, the file (a
// path, where V8 gave a path or a file: URL) and line (from 1; 0 when unknown), and what kind of code
// it is: the program's own, a package's (under node_modules: foldable into one frame per package),
// Node's internals, V8's own (the root, "(V8 API)", "(GC)", builtins), or memprof's.
import { fileURLToPath } from 'node:url';
import { join, sep } from 'node:path';

export type FrameKind = 'program' | 'package' | 'node' | 'v8' | 'memprof';

export interface Frame {
  name: string;
  file: string;
  /** From 1; 0 when unknown. */
  line: number;
  column: number;
  kind: FrameKind;
  /** The package the frame's file belongs to (`express`, `@scope/name`), for kinds package, node and memprof. */
  package?: string;
  /** Where V8 saw it, when a source map moved it: `file:line:column` of the generated code. */
  generated?: string;
}

/** memprof's own installation (dist/src/allocations/ is three levels down). */
const MEMPROF_ROOT = join(__dirname, '..', '..', '..');
/** Its code, and its own dependencies (pirates, Babel: the hook's machinery). */
const OWN_FOLDERS = ['dist', 'src', 'register', 'node_modules'].map((folder) => join(MEMPROF_ROOT, folder) + sep);

/** A path for a V8 url: file: URLs become paths; paths, `node:` names and the rest stay as they are. */
export function fileOfUrl(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

/** The package of a path inside node_modules (the innermost one), or undefined. */
export function packageOf(file: string): string | undefined {
  const marker = '/node_modules/';
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const parts = file.slice(at + marker.length).split('/');
  if (parts[0].startsWith('@') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts.length > 1 ? parts[0] : undefined;
}

export function classify(file: string): { kind: FrameKind; package?: string } {
  if (file === '') return { kind: 'v8' };
  if (file.startsWith('node:')) return { kind: 'node', package: 'node' };
  if (OWN_FOLDERS.some((folder) => file.startsWith(folder))) return { kind: 'memprof', package: 'memprof' };
  const pkg = packageOf(file);
  if (pkg === 'memprof') return { kind: 'memprof', package: pkg };
  return pkg ? { kind: 'package', package: pkg } : { kind: 'program' };
}

/** A frame from V8's call frame (lines and columns from 0, -1 when unknown). */
export function frameOf(callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }): Frame {
  const file = fileOfUrl(callFrame.url);
  return {
    name: callFrame.functionName,
    file,
    line: callFrame.lineNumber >= 0 ? callFrame.lineNumber + 1 : 0,
    column: callFrame.columnNumber >= 0 ? callFrame.columnNumber + 1 : 0,
    ...classify(file),
  };
}
