// `memprof/vitest`: a Vite plugin for Vitest (vitest.config.ts: plugins: [memprof()]) that
// instruments marked functions before Vite compiles the file, so tables and `collect()` results refer
// to the original source lines.
import { instrument } from '../instrument/instrumenter';
import { mayContainMarkers } from '../instrument/file-kinds';
import { decoratorFlavourFor } from '../hooks/project-config';
import { isOwnFile } from '../hooks/module-format';
import { RUNTIME_MODULE } from '../runtime/location';

/** A version 3 source map, typed as Vite's (rollup's) plugin types expect it. */
export interface EncodedSourceMap {
  version: number;
  file?: string;
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: Array<string | null>;
  names: string[];
  mappings: string;
}

export interface MemprofVitePlugin {
  name: string;
  enforce: 'pre';
  transform(code: string, id: string): { code: string; map: EncodedSourceMap | null } | null;
}

const SCRIPT = /\.[cm]?[jt]sx?$/;

export function memprof(): MemprofVitePlugin {
  return {
    name: 'memprof',
    enforce: 'pre',
    transform(code, id) {
      const filename = id.split('?')[0];
      if (!SCRIPT.test(filename) || filename.includes('/node_modules/') || id.startsWith('\0') || isOwnFile(filename)) return null;
      if (!mayContainMarkers(code)) return null;
      const result = instrument(code, filename, {
        runtime: RUNTIME_MODULE,
        moduleKind: 'esm',
        decorators: decoratorFlavourFor(filename),
      });
      if (!result || result.functions.length === 0) return null;
      return { code: result.code, map: result.map as EncodedSourceMap | null };
    },
  };
}

export default memprof;
