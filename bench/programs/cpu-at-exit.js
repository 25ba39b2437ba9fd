'use strict';
// Preloaded (`node -r`) into every start-up run, with and without memprof's hook alike: once the
// process has run its last 'exit' listener (memprof's among them), prints the CPU time the process
// has used since it started, as `CPU <microseconds>` (user + system, all threads, from getrusage).
// Only the teardown after 'exit' is left out, a millisecond or two the same for both.
// Wrapping `process.emit` is the one way to run after every 'exit' listener, including those added
// later than this file (Node calls `process.emit('exit')` both on a natural exit and in process.exit()).
const { writeSync } = require('node:fs');

const emit = process.emit;
process.emit = function emitThenReportCpuAtExit(event, ...args) {
  const result = emit.call(this, event, ...args);
  if (event === 'exit') {
    const { user, system } = process.cpuUsage();
    writeSync(1, `CPU ${user + system}\n`);
  }
  return result;
};
