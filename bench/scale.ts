// How the cost grows with size (issue 15's scale figures): statements per profiled function, profiled
// functions, and calls. Each case is a generated program with a profiled and a plain copy of the same
// code, run under the hook, the two interleaved, CPU time: the ratio and the cost per unit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addedDuration, benchResult, between, duration, num, ratio, ROOT, runNode, temporaryDirectory } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

export interface ScaleCase {
  what: string;
  /** Units (statements, functions, calls) per measured call. */
  units: number;
  unit: string;
  plainNs: number;
  profiledNs: number;
  slowdown: Figure;
  /** Added CPU per unit. */
  addedNsPerUnit: Figure;
}

const HARNESS = `
const { join } = require('node:path');
const { cpuTimeNs, interleave } = require(${JSON.stringify(join(ROOT, 'dist', 'bench', 'rounds.js'))});
const rounds = Number(process.argv[2] ?? 5);
let sink = 0;
const timed = (work) => () => { gc(); return cpuTimeNs(() => void (sink += work())); };
const variants = { plain: timed(plainRun), profiled: timed(profiledRun) };
interleave(2, variants);
const samples = interleave(rounds, variants);
if (sink === 0.5) console.log(sink);
console.log('BENCH ' + JSON.stringify({ rounds: samples }));
`;

/** One function of `count` statements (an allocation every 10th), profiled and plain. */
function statementsProgram(count: number): string {
  const body: string[] = [];
  for (let index = 0; index < count; index++) {
    body.push(index % 10 === 9 ? `  parts.push(new Array(8).fill(${index}));` : `  total = total + ${index} * 2;`);
  }
  const fn = (name: string) => `function ${name}() {\n  let total = 0;\n  const parts = [];\n${body.join('\n')}\n  return total + parts.length;\n}\n`;
  return `/** @profile */\n${fn('profiled')}\n${fn('plain')}\nconst profiledRun = () => profiled();\nconst plainRun = () => plain();\n${HARNESS}`;
}

/** `count` profiled functions (and their plain twins), each called once per run. */
function functionsProgram(count: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    lines.push(`/** @profile */\nfunction p${index}(x) {\n  const a = [x, ${index}];\n  return a.length + x;\n}`);
    lines.push(`function q${index}(x) {\n  const a = [x, ${index}];\n  return a.length + x;\n}`);
  }
  const calls = (prefix: string) => Array.from({ length: count }, (_, index) => `s += ${prefix}${index}(s & 1);`).join(' ');
  return `${lines.join('\n')}\nconst profiledRun = () => { let s = 0; ${calls('p')} return s; };\nconst plainRun = () => { let s = 0; ${calls('q')} return s; };\n${HARNESS}`;
}

/** One small profiled function called `count` times per run. */
function callsProgram(count: number): string {
  return `/** @profile */\nfunction add(a, b) {\n  const sum = a + b;\n  return sum;\n}\nfunction plainAdd(a, b) {\n  const sum = a + b;\n  return sum;\n}\nconst profiledRun = () => { let s = 0; for (let i = 0; i < ${count}; i++) s = add(s, i) % 1000; return s; };\nconst plainRun = () => { let s = 0; for (let i = 0; i < ${count}; i++) s = plainAdd(s, i) % 1000; return s; };\n${HARNESS}`;
}

function measure(what: string, unit: string, units: number, source: string, rounds: number, cacheDir: string): ScaleCase {
  const file = join(temporaryDirectory('scale'), 'program.js');
  writeFileSync(file, source);
  const child = runNode(file, {
    hook: true,
    nodeArgs: ['--expose-gc'],
    args: [String(rounds)],
    env: { MEMPROF_OUTPUT: '/dev/null', MEMPROF_MAX_TABLES: '0', MEMPROF_CACHE_DIR: cacheDir },
  });
  const output = benchResult<{ rounds: { plain: number[]; profiled: number[] } }>(child, what);
  return {
    what,
    units,
    unit,
    plainNs: median(output.rounds.plain),
    profiledNs: median(output.rounds.profiled),
    slowdown: perRoundFigure(output.rounds, (round) => round.profiled / round.plain),
    addedNsPerUnit: perRoundFigure(output.rounds, (round) => (round.profiled - round.plain) / units),
  };
}

export function runScale(sizes: { statements: number; functions: number; calls: number; rounds: number }, cacheDir: string): ScaleCase[] {
  return [
    measure(`one function of ${num(sizes.statements)} statements`, 'statement', sizes.statements, statementsProgram(sizes.statements), sizes.rounds, cacheDir),
    measure(`${num(sizes.functions)} profiled functions, each called once`, 'call', sizes.functions, functionsProgram(sizes.functions), sizes.rounds, cacheDir),
    measure(`${num(sizes.calls)} calls of one small profiled function`, 'call', sizes.calls, callsProgram(sizes.calls), sizes.rounds, cacheDir),
  ];
}

export function describeScale(cases: readonly ScaleCase[]): string[] {
  const lines = ['scale: how the cost grows (CPU time, profiled / plain, interleaved rounds)'];
  for (const entry of cases) {
    lines.push(
      `  ${entry.what}: ${duration(entry.plainNs)} -> ${duration(entry.profiledNs)}, ${ratio(entry.slowdown.median)} (${between(entry.slowdown, ratio)}), ` +
        `${addedDuration(entry.addedNsPerUnit.median)} per ${entry.unit}`,
    );
  }
  return lines;
}
