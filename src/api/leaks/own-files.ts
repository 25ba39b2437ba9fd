// memprof's own code, told apart from the program's in allocation stacks: its compiled sources and its
// register entry (not the fixtures, tests and examples that sit beside them in its repository).
import { resolve } from 'node:path';
import { pathOf } from './scripts';

const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..', '..');
const OWN_PREFIXES = ['dist/src', 'register', 'src'].map((folder) => `${resolve(PACKAGE_ROOT, folder)}/`);

export function isOwnFile(url: string): boolean {
  const path = pathOf(url);
  return OWN_PREFIXES.some((prefix) => path.startsWith(prefix));
}
