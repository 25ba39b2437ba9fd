// Where the runtime module lives: instrumented code (from any hook or plugin) requires it by this
// absolute path, so that every file shares one runtime whatever its own module resolution says.
export const RUNTIME_MODULE = require.resolve('./index');
