// The global `profile` that `node -r memprof/register` defines. Add to tsconfig.json:
//   "types": ["memprof/globals"]   or   /// <reference types="memprof/globals" />
import type { profile as profileFunction } from './dist/src/index';

declare global {
  const profile: typeof profileFunction;
}

export {};
