// What the user's project says about how to compile a file: today, TypeScript's decorator flavour.
import { dirname } from 'node:path';
import type * as GetTsconfig from 'get-tsconfig';
import type { DecoratorFlavour } from '../instrument/instrumenter';
import { isTypeScriptFile } from '../instrument/file-kinds';

const tsconfigCache = new Map<string, unknown>();
const flavourByDirectory = new Map<string, DecoratorFlavour>();

/**
 * `experimentalDecorators: true` in the nearest tsconfig.json means TypeScript's legacy decorators;
 * otherwise decorators are the standard ones (TypeScript 5+, JavaScript).
 */
export function decoratorFlavourFor(filename: string): DecoratorFlavour {
  if (!isTypeScriptFile(filename)) return 'standard';
  const directory = dirname(filename);
  let flavour = flavourByDirectory.get(directory);
  if (!flavour) {
    let legacy = false;
    try {
      const { getTsconfig } = require('get-tsconfig') as typeof GetTsconfig; // loaded only for TypeScript
      legacy = getTsconfig(directory, 'tsconfig.json', tsconfigCache as never)?.config.compilerOptions?.experimentalDecorators === true;
    } catch (error) {
      process.stderr.write(`memprof: warning: could not read the tsconfig.json for ${filename}: ${(error as Error).message}\n`);
    }
    flavour = legacy ? 'legacy' : 'standard';
    flavourByDirectory.set(directory, flavour);
  }
  return flavour;
}
