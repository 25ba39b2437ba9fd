// Node's own source map support, switched on once TypeScript is compiled (see compile.ts for why
// plain JavaScript does not get it).
let sourceMapsEnabled = false;

export function enableSourceMaps(): void {
  if (sourceMapsEnabled) return;
  sourceMapsEnabled = true;
  process.setSourceMapsEnabled(true);
}
