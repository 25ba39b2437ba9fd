// What the user's project says about how to compile a TypeScript file: the decorator flavour and its
// design-time metadata, and how JSX compiles (tsconfig.json's compilerOptions).
import { dirname } from 'node:path';
import type * as GetTsconfig from 'get-tsconfig';
import type { DecoratorFlavour, JsxSettings, MetadataSettings } from '../instrument/instrumenter';
import { isTypeScriptFile } from '../instrument/file-kinds';
import { jsxSettingsFrom, targetYear } from '../instrument/typescript-options';

/** The compile options a file gets from its tsconfig.json. */
export interface ProjectSettings {
  decorators: DecoratorFlavour;
  decoratorMetadata: MetadataSettings | false;
  jsx: JsxSettings;
}

const tsconfigCache = new Map<string, unknown>();
const settingsByDirectory = new Map<string, ProjectSettings>();

/**
 * `experimentalDecorators: true` in the nearest tsconfig.json means TypeScript's legacy decorators
 * (and `emitDecoratorMetadata` its metadata); otherwise decorators are the standard ones (TypeScript
 * 5+, JavaScript). `jsx`, `jsxFactory`, `jsxFragmentFactory` and `jsxImportSource` say how JSX compiles.
 */
export function projectSettingsFor(filename: string): ProjectSettings {
  const directory = dirname(filename);
  let settings = settingsByDirectory.get(directory);
  if (!settings) {
    let compilerOptions: Record<string, unknown> | undefined;
    if (isTypeScriptFile(filename)) {
      try {
        const { getTsconfig } = require('get-tsconfig') as typeof GetTsconfig; // loaded only for TypeScript
        compilerOptions = getTsconfig(directory, 'tsconfig.json', tsconfigCache as never)?.config.compilerOptions as Record<string, unknown> | undefined;
      } catch (error) {
        process.stderr.write(`memprof: warning: could not read the tsconfig.json for ${filename}: ${(error as Error).message}\n`);
      }
    }
    const legacy = compilerOptions?.experimentalDecorators === true;
    settings = {
      decorators: legacy ? 'legacy' : 'standard',
      decoratorMetadata: legacy && compilerOptions?.emitDecoratorMetadata === true && {
        strictNullChecks: (compilerOptions.strictNullChecks ?? compilerOptions.strict) === true,
        target: targetYear(compilerOptions.target),
      },
      jsx: jsxSettingsFrom(compilerOptions),
    };
    settingsByDirectory.set(directory, settings);
  }
  return settings;
}

/** The decorator flavour alone (the Jest and Vitest integrations ask only this). */
export function decoratorFlavourFor(filename: string): DecoratorFlavour {
  return isTypeScriptFile(filename) ? projectSettingsFor(filename).decorators : 'standard';
}
