'use strict';
// Preloaded (`node -r`) into the memprof commands the big-recording benchmark runs: once the process
// has run its last 'exit' listener, prints on stderr what it used in all, as
// `USAGE {"cpuMicros":...,"maxRssKiB":...}`: CPU time (user + system, all threads, from getrusage) and
// the peak resident set size (ru_maxrss, the VmHWM of /proc/<pid>/status).
// Wrapping `process.emit` runs after every 'exit' listener, as in cpu-at-exit.js.
const { writeSync } = require('node:fs');

const emit = process.emit;
process.emit = function emitThenReportUsageAtExit(event, ...args) {
  const result = emit.call(this, event, ...args);
  if (event === 'exit') {
    const usage = process.resourceUsage();
    writeSync(2, `USAGE ${JSON.stringify({ cpuMicros: usage.userCPUTime + usage.systemCPUTime, maxRssKiB: usage.maxRSS })}\n`);
  }
  return result;
};
