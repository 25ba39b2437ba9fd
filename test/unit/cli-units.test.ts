// In-process unit tests of the CLI: the option parser, help made from the option specs, the options
// of run/attach and of the script mode, and how failures become exit codes. No process is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/cli/command';
import { parseScriptArguments, SCRIPT_OPTIONS } from '../../src/cli/commands/script';
import { asCliError, CliError, UsageError } from '../../src/cli/errors';
import { commandList, formatOptions, helpText } from '../../src/cli/help';
import { parseOptions, type OptionSpec } from '../../src/cli/option-parser';
import { recordOptions } from '../../src/cli/recording-options';
import { DatError } from '../../src/record/dat';
import { RecordError } from '../../src/record/record-options';

/** Matches a UsageError (exit code 2) with exactly this message. */
function usageError(message: string): (error: unknown) => boolean {
  return (error) => error instanceof UsageError && error.exitCode === 2 && error.message === message;
}

const SPECS: OptionSpec[] = [
  { name: 'interval', short: 'T', value: 's', description: 'seconds between samples' },
  { name: 'include-children', short: 'C', description: 'sum the tree' },
  { name: 'multiprocess', short: 'M' },
  { name: 'hook', negatable: true, description: 'no load hook' },
  { name: 'help', short: 'h', description: 'show this help', immediate: true },
];

test('parser: values inline or next, grouped flags, negation, the command left untouched', () => {
  assert.deepEqual(parseOptions(['-CMT', '0.5', '--no-hook', 'node', '--interval', 'x'], SPECS, { stopAtPositional: true }), {
    values: { 'include-children': true, multiprocess: true, interval: '0.5', hook: false },
    positionals: ['node', '--interval', 'x'],
  });
  assert.deepEqual(parseOptions(['a', '--interval=', 'b', '--', '-C'], SPECS), { values: { interval: '' }, positionals: ['a', 'b', '-C'] });
  assert.deepEqual(parseOptions(['-12', '-C', '-3'], SPECS, { negativeNumbers: true }), {
    values: { 'include-children': true },
    positionals: ['-12', '-3'],
  });
  assert.deepEqual(parseOptions(['--interval', '-3'], SPECS).values, { interval: '-3' }, 'a value may start with a dash');
});

test('parser: one-line errors naming the option', () => {
  const cases: [string[], string][] = [
    [['--frobnicate=1'], 'unknown option --frobnicate'],
    [['-CX'], 'unknown option -X (in -CX)'],
    [['-X'], 'unknown option -X'],
    [['--interval'], 'option --interval needs a value'],
    [['-CT'], 'option -T needs a value'],
    [['--include-children=yes'], 'option --include-children takes no value'],
    [['--no-hook=1'], 'option --no-hook takes no value'],
    [['--no-interval'], 'unknown option --no-interval'],
    [['-1'], 'unknown option -1'],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseOptions(argv, SPECS), usageError(message), argv.join(' '));
});

test('parser: an immediate option ends parsing; checks run as options are met', () => {
  assert.deepEqual(parseOptions(['-C', '--help', '--frobnicate'], SPECS).values, { 'include-children': true, help: true });
  assert.deepEqual(parseScriptArguments(['--help', '--metric', 'bogus']), { kind: 'help' });
  assert.throws(() => parseScriptArguments(['--metric', 'bogus', '--help']), usageError('--metric must be one of heap, rss, heapUsed, external, got "bogus"'));
  assert.deepEqual(parseScriptArguments(['-v', 'x.js']), { kind: 'version' });
});

test('script mode: each option sets the variable its spec names', () => {
  assert.deepEqual(parseScriptArguments(['--metric=rss', '--precision', '3', '-o', 't.txt', '--json', '--max-tables', '4', '--break-at', '90', 'a.js', '--json']), {
    kind: 'run',
    script: 'a.js',
    args: ['--json'],
    env: {
      MEMPROF_METRIC: 'rss',
      MEMPROF_PRECISION: '3',
      MEMPROF_OUTPUT: 't.txt',
      MEMPROF_FORMAT: 'json',
      MEMPROF_MAX_TABLES: '4',
      MEMPROF_BREAK_AT: '90',
    },
  });
  for (const spec of SCRIPT_OPTIONS) assert.ok(spec.description, `--${spec.name} is in the help`);
});

test('help: made from the specs, in their order; hidden options and a lone --help are not listed', () => {
  assert.equal(
    formatOptions(SPECS),
    [
      '  -T, --interval <s>        seconds between samples',
      '  -C, --include-children    sum the tree',
      '      --no-hook             no load hook',
      '  -h, --help                show this help',
    ].join('\n'),
  );
  const hinted: OptionSpec[] = [
    { name: 'metric', value: 'name', description: 'heap or rss', env: 'MEMPROF_METRIC' },
    { name: 'long', description: 'a description long enough to reach the column of the hints', env: 'LONG' },
    { name: 'two', description: 'first line\nsecond', env: 'TWO=1' },
  ];
  assert.equal(
    formatOptions(hinted, { column: 12, alignLongOnly: false, hintColumn: 50 }),
    [
      `${'  --metric <name> heap or rss'.padEnd(50)}[MEMPROF_METRIC]`, // hints start at column 50
      '  --long    a description long enough to reach the column of the hints',
      '                                                  [LONG]',
      '  --two     first line',
      `${'            second'.padEnd(50)}[TWO=1]`,
    ].join('\n'),
  );
  const command: Command = {
    name: 'demo',
    usage: 'memprof demo <x>',
    summary: 'demonstrate',
    description: 'Does nothing.',
    options: [{ name: 'help', short: 'h', description: 'show this help' }, { name: 'secret' }],
    epilogue: 'The end.',
    run: async () => 0,
  };
  assert.equal(helpText(command), 'Usage: memprof demo <x>\n\nDoes nothing.\n\nThe end.\n');
  assert.equal(
    helpText({ ...command, options: SPECS, optionsHeading: 'Options (first):', epilogue: undefined }),
    `Usage: memprof demo <x>\n\nDoes nothing.\n\nOptions (first):\n${formatOptions(SPECS)}\n`,
  );
  assert.equal(
    commandList([command, { ...command, name: 'other', listedUsage: 'memprof other', summary: 'another' }]),
    '  memprof demo <x>                            demonstrate\n  memprof other                               another',
  );
});

test('run/attach options: defaults, memory_profiler backend names, bad values', () => {
  assert.deepEqual(recordOptions({}), {
    interval: 0.1,
    includeChildren: false,
    multiprocess: false,
    timeout: undefined,
    backend: 'rss',
    output: undefined,
    hook: true,
    selfStats: false,
    status: true,
  });
  const given = recordOptions({ interval: '0.01', 'include-children': true, backend: 'psutil_pss', timeout: '2', hook: false, status: false });
  assert.equal(given.backend, 'pss');
  assert.equal(given.timeout, 2);
  assert.equal(given.hook, false);
  assert.equal(given.status, false);
  assert.throws(() => recordOptions({ interval: '0.0005' }), usageError('--interval must be at least 0.001 s, got "0.0005"'));
  assert.throws(() => recordOptions({ timeout: ' ' }), usageError('--timeout must be a positive number of seconds, got " "'));
  assert.throws(() => recordOptions({ backend: 'constructor' }), usageError('--backend must be one of rss, pss, uss, got "constructor"'));
});

test('failures carry their exit code', () => {
  assert.equal(asCliError(new RecordError('command not found: x', 127))?.exitCode, 127);
  assert.equal(asCliError(new DatError('bad file'))?.exitCode, 1);
  assert.equal(asCliError(new UsageError('bad'))?.exitCode, 2);
  const own = new CliError('cannot find script x.js', 2);
  assert.equal(asCliError(own), own);
  assert.equal(asCliError(new Error('a bug')), undefined, 'anything else is an internal error');
});
