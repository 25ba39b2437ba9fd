// Stack traces through compiled files point at the original source. Lines already match (the
// instrumenter retains them); the maps fix columns. Installed only once a file has been compiled, and
// only consulted for the files memprof compiled.
import type sourceMapSupportModule from 'source-map-support';

const maps = new Map<string, string>();
let installed = false;

export function rememberSourceMap(filename: string, map: object | null): void {
  if (!map) return;
  maps.set(filename, JSON.stringify(map));
  if (installed) return;
  installed = true;
  (require('source-map-support') as typeof sourceMapSupportModule).install({
    environment: 'node',
    handleUncaughtExceptions: false,
    hookRequire: false,
    overrideRetrieveSourceMap: true,
    retrieveSourceMap(source: string) {
      const map = maps.get(source);
      return map ? { url: source, map } : null;
    },
  });
}
