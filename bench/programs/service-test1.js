'use strict';
// The seed service's test1 body (fixtures/service/app.js), without its 300 ms wait: builds a
// 4,096,000-element array twice and copies it element by element. `markedTest1` is profiled,
// `plainTest1` is the same body unmarked. Run by bench/service-timeline.ts under memprof's hook with
// MEMPROF_LINES=0 and a recording channel (what `memprof run` gives a program: calls only, markers
// written) or MEMPROF_LINES=1 (`memprof run --lines`). Prints `BENCH <json>`: CPU time per call, by round.
const ELEMENTS = Number(process.argv[2] ?? 4096000);

/** @profile */
function markedTest1() {
  let a = new Array(ELEMENTS).fill(1);
  a = new Array(ELEMENTS).fill(1);
  const c = [];
  for (const item of a) c.push(item);
  return c.length;
}

function plainTest1() {
  let a = new Array(ELEMENTS).fill(1);
  a = new Array(ELEMENTS).fill(1);
  const c = [];
  for (const item of a) c.push(item);
  return c.length;
}

const { join } = require('node:path');
const { cpuTimeNs, interleave } = require(join(__dirname, '..', '..', 'dist', 'bench', 'rounds.js'));

const rounds = Number(process.argv[3] ?? 5);
let sink = 0;
const timed = (test1) => () => {
  gc();
  return cpuTimeNs(() => void (sink += test1()));
};
const variants = { plain: timed(plainTest1), profiled: timed(markedTest1) };
interleave(2, variants);
const samples = interleave(rounds, variants);
if (sink < 0) console.log(sink);
console.log(`BENCH ${JSON.stringify({ elements: ELEMENTS, rounds: samples })}`);
