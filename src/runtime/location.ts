// What instrumented code (from any hook or plugin) requires, by this absolute path, so that every file
// shares one runtime whatever its own module resolution says: the runtime with its default
// subscribers (src/profiling.ts). A path, not an import: the runtime itself loads no subscriber.
export const RUNTIME_MODULE = require.resolve('../profiling');
