// Start-up: `node -r <memprof>/register main.js` against plain `node main.js`, on a generated project
// of N CommonJS modules with no markers, and on the same project with one marked file, each with a
// cold transform cache (an empty MEMPROF_CACHE_DIR) and a warm one. Each run is a child process whose
// CPU time, from start to its last 'exit' listener, it reports itself (programs/cpu-at-exit.js). Runs
// are interleaved round-robin, so that a noisy neighbour slows every configuration alike; each ratio
// is taken within a round, and reported as its median and range over the rounds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchResult,
  between,
  childEnvironment,
  duration,
  num,
  PROGRAMS,
  ratio,
  REGISTER,
  run,
  runNode,
  temporaryDirectory,
} from './lib';
import { interleave } from './rounds';
import { perRoundFigure, spread, type Figure, type Spread } from './stats';

/** One module of the generated project: a class, some functions, data, two requires. No markers. */
function moduleSource(index: number): string {
  const id = String(index).padStart(3, '0');
  const requires =
    index === 0
      ? ''
      : `const { format${index - 1}: previous } = require('./mod${String(index - 1).padStart(3, '0')}.js');\n` +
        `const { format${index >> 1}: half } = require('./mod${String(index >> 1).padStart(3, '0')}.js');\n`;
  // The required functions are called once each, not in a chain: main.js calls every module's helper,
  // and a helper that called the previous one would make the run O(modules²) in calls, time that is
  // not start-up (at 1,000 modules it was 85% of plain node's CPU time, and flattered every ratio).
  const uses = index === 0 ? '0' : 'previous([input]).length ^ half([input]).length';
  return `'use strict';
// Module ${index} of a generated project: a little of everything a real module has.
const { EventEmitter } = require('node:events');
${requires}
const DEFAULTS_${index} = Object.freeze({ name: 'module-${id}', retries: 3, timeoutMs: ${index * 10 + 100}, tags: ['a', 'b', 'c'] });

class Store${index} extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = { ...DEFAULTS_${index}, ...options };
    this.items = new Map();
  }

  add(key, value) {
    this.items.set(key, value);
    this.emit('add', key);
    return this;
  }

  get size() {
    return this.items.size;
  }

  toJSON() {
    return { name: this.options.name, items: [...this.items.entries()] };
  }
}

function helper${index}(input) {
  let total = ${index};
  for (const char of String(input)) total = (total * 31 + char.charCodeAt(0)) >>> 0;
  return total ^ (${uses});
}

function format${index}(values) {
  return values.map((value, position) => \`\${position}:\${value}\`).join(',');
}

async function load${index}(source) {
  const text = await source();
  return JSON.parse(text);
}

module.exports = { Store${index}, helper${index}, format${index}, load${index}, DEFAULTS_${index} };
`;
}

/** The one marked function of the "marked" project, in mod000.js, called once from main.js. */
const MARKED_FUNCTION = `
/** @profile */
function buildIndex(count) {
  const index = new Map();
  for (let i = 0; i < count; i++) {
    index.set(\`key-\${i}\`, i);
  }
  return index.size;
}

module.exports.buildIndex = buildIndex;
`;

function mainSource(modules: number, marked: boolean): string {
  const lines = ["'use strict';", 'let checksum = 0;'];
  for (let index = 0; index < modules; index++) {
    const id = String(index).padStart(3, '0');
    lines.push(`checksum = (checksum + require('./lib/mod${id}.js').helper${index}('${id}')) >>> 0;`);
  }
  if (marked) lines.push("checksum += require('./lib/mod000.js').buildIndex(1000);");
  lines.push("console.log('checksum', checksum);");
  return lines.join('\n') + '\n';
}

/** What "every module marked" adds to module `index`: a profiled function of its own, which main.js does not call. */
function markedFunction(index: number): string {
  return `
/** @profile */
function build${index}(count) {
  const items = [];
  for (let i = 0; i < count; i++) items.push({ id: i, module: ${index} });
  return items.length;
}
module.exports.build${index} = build${index};
`;
}

/** `marked`: one marked file (mod000.js), or 'all': a marked function in every module. */
export function generateProject(modules: number, marked: boolean | 'all'): string {
  const root = temporaryDirectory(marked === 'all' ? 'app-all-marked' : marked ? 'app-marked' : 'app');
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'generated-app', private: true, version: '1.0.0' }, null, 2));
  for (let index = 0; index < modules; index++) {
    const source = moduleSource(index) + (marked === true && index === 0 ? MARKED_FUNCTION : marked === 'all' ? markedFunction(index) : '');
    writeFileSync(join(root, 'lib', `mod${String(index).padStart(3, '0')}.js`), source);
  }
  writeFileSync(join(root, 'main.js'), mainSource(modules, marked === true));
  return root;
}

interface Configuration {
  name: string;
  project: 'unmarked' | 'marked' | 'allMarked' | 'empty';
  hook: boolean;
  cache?: 'cold' | 'warm';
}

const CONFIGURATIONS = {
  plainUnmarked: { name: 'plain node, unmarked project', project: 'unmarked', hook: false },
  hookUnmarkedCold: { name: 'memprof hook, unmarked project, cold cache', project: 'unmarked', hook: true, cache: 'cold' },
  hookUnmarkedWarm: { name: 'memprof hook, unmarked project, warm cache', project: 'unmarked', hook: true, cache: 'warm' },
  plainMarked: { name: 'plain node, one marked file', project: 'marked', hook: false },
  hookMarkedCold: { name: 'memprof hook, one marked file, cold cache', project: 'marked', hook: true, cache: 'cold' },
  hookMarkedWarm: { name: 'memprof hook, one marked file, warm cache', project: 'marked', hook: true, cache: 'warm' },
  plainEmpty: { name: 'plain node, empty script', project: 'empty', hook: false },
  hookEmpty: { name: 'memprof hook, empty script', project: 'empty', hook: true, cache: 'warm' },
} satisfies Record<string, Configuration>;

type ConfigurationId = keyof typeof CONFIGURATIONS;
const CONFIGURATION_IDS = Object.keys(CONFIGURATIONS) as ConfigurationId[];

export interface StartupResult {
  modules: number;
  rounds: number;
  /** CPU time of each run, in ms, by configuration and round; `registerLoad` as registerLoadMs. */
  cpuMs: Record<ConfigurationId | 'registerLoad', number[]>;
  /** Each configuration's CPU time over the rounds, in ms, in the order they run. */
  configurations: { name: string; cpuMs: Spread }[];
  unmarkedCold: Figure;
  unmarkedWarm: Figure;
  markedCold: Figure;
  markedWarm: Figure;
  /** The hook's fixed cost: empty script with the hook minus without, in ms. */
  emptyAddedMs: Figure;
  /** CPU time to require memprof/register, measured inside a fresh process, in ms. */
  registerLoadMs: Spread;
}

const CPU_AT_EXIT = join(PROGRAMS, 'cpu-at-exit.js');

/** The CPU time a run reported on its `CPU <microseconds>` line, in ms. */
function reportedCpuMs(stdout: string, what: string): number {
  const match = /^CPU (\d+)$/m.exec(stdout);
  if (!match) throw new Error(`start-up run "${what}" printed no CPU line:\n${stdout}`);
  return Number(match[1]) / 1000;
}

/** `require('<repo>/register')` timed (CPU) inside a fresh process: what the hook adds before any file loads. */
function registerLoadTime(cacheDir: string): number {
  const script =
    `const start = process.cpuUsage(); require(${JSON.stringify(REGISTER)}); const { user, system } = process.cpuUsage(start); ` +
    `console.log('BENCH ' + JSON.stringify({ ms: (user + system) / 1000 }));`;
  const child = run(process.execPath, ['-e', script], { env: childEnvironment({ MEMPROF_CACHE_DIR: cacheDir }) });
  return benchResult<{ ms: number }>(child, 'loading memprof/register').ms;
}


/** One run of a configuration, its CPU time in ms; each warm configuration keeps its own cache. */
function timedRun(projects: Partial<Record<Configuration['project'], string>>): (configuration: Configuration) => number {
  const warmCaches = new Map<Configuration, string>();

  const once = (configuration: Configuration): number => {
    const cacheDir =
      configuration.cache === 'warm'
        ? (warmCaches.get(configuration) ?? warmCaches.set(configuration, temporaryDirectory('cache-warm')).get(configuration)!)
        : temporaryDirectory('cache-cold');
    const root = projects[configuration.project]!;
    const child = runNode(join(root, 'main.js'), {
      hook: configuration.hook,
      nodeArgs: ['-r', CPU_AT_EXIT],
      cwd: root,
      env: { MEMPROF_CACHE_DIR: cacheDir, MEMPROF_OUTPUT: '/dev/null' },
    });
    if (child.status !== 0 || (configuration.project !== 'empty' && !child.stdout.startsWith('checksum'))) {
      throw new Error(`start-up run "${configuration.name}" failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
    }
    return reportedCpuMs(child.stdout, configuration.name);
  };

  return once;
}

export function runStartup(modules: number, rounds: number, log: (line: string) => void): StartupResult {
  const projects = {
    unmarked: generateProject(modules, false),
    marked: generateProject(modules, true),
    empty: temporaryDirectory('empty'),
  };
  writeFileSync(join(projects.empty, 'main.js'), '');
  const once = timedRun(projects);

  const variants = {} as Record<ConfigurationId | 'registerLoad', () => number>;
  for (const id of CONFIGURATION_IDS) variants[id] = () => once(CONFIGURATIONS[id]);
  variants.registerLoad = () => registerLoadTime(temporaryDirectory('cache-load'));

  // One untimed round: fills the OS file cache, and the warm transform caches.
  interleave(1, variants);
  const cpuMs = interleave(rounds, variants);

  const result: StartupResult = {
    modules,
    rounds,
    cpuMs,
    configurations: CONFIGURATION_IDS.map((id) => ({ name: CONFIGURATIONS[id].name, cpuMs: spread(cpuMs[id]) })),
    unmarkedCold: perRoundFigure(cpuMs, (round) => round.hookUnmarkedCold / round.plainUnmarked),
    unmarkedWarm: perRoundFigure(cpuMs, (round) => round.hookUnmarkedWarm / round.plainUnmarked),
    markedCold: perRoundFigure(cpuMs, (round) => round.hookMarkedCold / round.plainMarked),
    markedWarm: perRoundFigure(cpuMs, (round) => round.hookMarkedWarm / round.plainMarked),
    emptyAddedMs: perRoundFigure(cpuMs, (round) => round.hookEmpty - round.plainEmpty),
    registerLoadMs: spread(cpuMs.registerLoad),
  };
  for (const line of describeStartup(result)) log(line);
  return result;
}

const ms = (value: number) => duration(value * 1e6);

export function describeStartup(result: StartupResult): string[] {
  const lines = [
    `start-up: generated project of ${num(result.modules)} CommonJS modules, CPU time of each run (start to exit), ` +
      `median and range of ${result.rounds} interleaved rounds`,
  ];
  for (const { name, cpuMs } of result.configurations) {
    lines.push(`  ${name.padEnd(44)} ${ms(cpuMs.median).padStart(9)}  (${between(cpuMs, ms)})`);
  }
  const figure = (value: Figure) => `${ratio(value.median)} (${between(value, ratio)})`;
  lines.push(
    `  unmarked project: hook / plain ${figure(result.unmarkedWarm)} warm cache, ${figure(result.unmarkedCold)} cold cache`,
    `  one marked file:  hook / plain ${figure(result.markedWarm)} warm cache, ${figure(result.markedCold)} cold cache`,
    `  the hook's fixed cost (empty script): +${ms(result.emptyAddedMs.median)} (${between(result.emptyAddedMs, ms)}); ` +
      `require('memprof/register') inside the process: ${ms(result.registerLoadMs.median)}`,
  );
  return lines;
}

const ALL_MARKED = {
  plain: { name: 'plain node, every module marked', project: 'allMarked', hook: false },
  cold: { name: 'memprof hook, every module marked, cold cache', project: 'allMarked', hook: true, cache: 'cold' },
  warm: { name: 'memprof hook, every module marked, warm cache', project: 'allMarked', hook: true, cache: 'warm' },
} satisfies Record<string, Configuration>;

export interface ManyMarkedResult {
  modules: number;
  rounds: number;
  configurations: { name: string; cpuMs: Spread }[];
  warm: Figure;
  cold: Figure;
  /** Cold minus plain, per module, in ms: what compiling one marked file costs. */
  coldMsPerModule: Figure;
}

/**
 * Start-up of a project whose every module has a marked function (issue: 1,000 of them): what the
 * transform cache saves (warm) and what Babel costs per file (cold).
 */
export function runManyMarkedStartup(modules: number, rounds: number, log: (line: string) => void): ManyMarkedResult {
  const once = timedRun({ allMarked: generateProject(modules, 'all') });
  // Warm and cold are each interleaved with plain runs of their own: a cold run writes the cache (6 MB
  // here), which the kernel writes back during the run after it, so whichever configuration came
  // next ran slower (warm, when the three took turns: by 0.05x-0.1x of plain).
  const warmVariants = { plain: () => once(ALL_MARKED.plain), warm: () => once(ALL_MARKED.warm) };
  const coldVariants = { plain: () => once(ALL_MARKED.plain), cold: () => once(ALL_MARKED.cold) };
  interleave(1, warmVariants);
  const warmMs = interleave(rounds, warmVariants);
  const coldMs = interleave(rounds, coldVariants);
  const result: ManyMarkedResult = {
    modules,
    rounds,
    configurations: [
      { name: ALL_MARKED.plain.name, cpuMs: spread([...warmMs.plain, ...coldMs.plain]) },
      { name: ALL_MARKED.cold.name, cpuMs: spread(coldMs.cold) },
      { name: ALL_MARKED.warm.name, cpuMs: spread(warmMs.warm) },
    ],
    warm: perRoundFigure(warmMs, (round) => round.warm / round.plain),
    cold: perRoundFigure(coldMs, (round) => round.cold / round.plain),
    coldMsPerModule: perRoundFigure(coldMs, (round) => (round.cold - round.plain) / modules),
  };
  for (const line of describeManyMarked(result)) log(line);
  return result;
}

export function describeManyMarked(result: ManyMarkedResult): string[] {
  const figure = (value: Figure) => `${ratio(value.median)} (${between(value, ratio)})`;
  const lines = [
    `start-up: ${num(result.modules)} modules, each with a marked function, median and range of ${result.rounds} interleaved rounds ` +
      `(warm and cold each against plain, in rounds of their own)`,
  ];
  for (const { name, cpuMs } of result.configurations) lines.push(`  ${name.padEnd(44)} ${ms(cpuMs.median).padStart(9)}  (${between(cpuMs, ms)})`);
  lines.push(
    `  hook / plain: ${figure(result.warm)} warm cache, ${figure(result.cold)} cold cache ` +
      `(${ms(result.coldMsPerModule.median)} a module to instrument)`,
  );
  return lines;
}
