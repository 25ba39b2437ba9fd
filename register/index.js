'use strict';
// Entry point for `node -r memprof/register app.js`: see src/hooks/register.ts.
require('../dist/src/hooks/register.js').register();
