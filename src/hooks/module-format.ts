// Which module system a file belongs to, as Node decides it, and which files are memprof's own.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** memprof's own files are never compiled by its hooks (they may live outside node_modules). */
const OWN_FILES = resolve(__dirname, '..', '..') + sep;

export function isOwnFile(filename: string): boolean {
  return filename.startsWith(OWN_FILES);
}

const typeByDirectory = new Map<string, 'module' | 'commonjs'>();

/** "type" of the nearest package.json: 'module' or 'commonjs' (the default). */
export function packageTypeOf(filename: string): 'module' | 'commonjs' {
  const start = dirname(filename);
  const visited: string[] = [];
  let directory = start;
  let type: 'module' | 'commonjs' | undefined;
  for (;;) {
    type = typeByDirectory.get(directory);
    if (type) break;
    visited.push(directory);
    try {
      const pkg = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { type?: string };
      type = pkg.type === 'module' ? 'module' : 'commonjs';
      break;
    } catch {
      // no (readable) package.json here: look further up
    }
    const parent = dirname(directory);
    if (parent === directory) {
      type = 'commonjs';
      break;
    }
    directory = parent;
  }
  for (const seen of visited) typeByDirectory.set(seen, type);
  return type;
}

/** Is this entry point an ES module (so that the ES module hooks are needed)? */
export function isEsmEntry(filename: string | undefined): boolean {
  if (!filename) return false;
  if (/\.m[jt]s$/.test(filename)) return true;
  if (/\.c[jt]s$/.test(filename)) return false;
  return /\.[jt]sx?$/.test(filename) && packageTypeOf(resolve(filename)) === 'module';
}
