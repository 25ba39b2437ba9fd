// `memprof check [--budget memprof.budget.json] [--update] [--runs n]`: runs the budget file's
// scenarios and compares each function's allocated, retained and peak memory (medians over runs) with
// its budget, like c8's check-coverage: a table, and exit code 1 on a regression. --update writes the
// budget from this run instead. Scenarios that are files run in one node process of their own under
// memprof's load hook (api/scenarios/run-scenarios.ts); results files are read as they are.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, REGISTER_ENTRY } from '../../record/launch';
import { BudgetError, readBudget, writeBudget, type Budget } from '../../compare/budget-file';
import { checkAgainstBudget, formatCheck } from '../../compare/check';
import type { FunctionFigures } from '../../compare/figures';
import { measuredRuns, scenarioFigures } from '../../compare/measurements';
import { readResultRuns, type ResultRun } from '../../compare/results-file';
import { SavedResultsError } from '../../shared/saved-results';
import { HELP_OPTION, type Command, type Io } from '../command';
import { CliError, UsageError } from '../errors';

/** The scenario runner's process entry, from dist/src/cli/commands/ (a path, not an import: it runs apart). */
const RUNNER = join(__dirname, '..', '..', 'api', 'scenarios', 'run-scenarios.js');

/** Runs the file scenarios in one process; resolves their runs, or the runner's exit code when it failed. */
async function runFileScenarios(budget: Budget, runs: number | undefined, io: Io): Promise<Map<string, ResultRun[]> | number> {
  const scenarios = budget.scenarios.filter((scenario) => scenario.file).map((scenario) => ({ name: scenario.name, file: scenario.file!, export: scenario.export, runs: runs ?? scenario.runs }));
  if (scenarios.length === 0) return new Map();
  const directory = mkdtempSync(join(tmpdir(), 'memprof-check-'));
  try {
    const output = join(directory, 'runs.json');
    const request = JSON.stringify({ scenarios, output, cwd: io.cwd });
    const status = await launch(process.execPath, ['--import', pathToFileURL(REGISTER_ENTRY).href, RUNNER, request], { name: 'node', env: { MEMPROF_RETAINED: '1' } }).exited;
    if (status !== 0) return status;
    return measuredRuns(JSON.parse(readFileSync(output, 'utf8')));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function check(budgetPath: string, update: boolean, runs: number | undefined, io: Io): Promise<number> {
  const shown = relative(io.cwd, budgetPath) || budgetPath;
  let budget: Budget;
  try {
    budget = readBudget(budgetPath, shown);
  } catch (error) {
    if (error instanceof BudgetError) throw new CliError(error.message, 2);
    throw error;
  }
  const fromFiles = await runFileScenarios(budget, runs, io);
  if (typeof fromFiles === 'number') return fromFiles;
  const measured = new Map<string, Map<string, FunctionFigures>>();
  for (const scenario of budget.scenarios) {
    let scenarioRuns: ResultRun[];
    try {
      scenarioRuns = scenario.results ? readResultRuns(scenario.results, relative(io.cwd, scenario.results), (line) => io.stderr.write(`${line}\n`)) : (fromFiles.get(scenario.name) ?? []);
    } catch (error) {
      if (error instanceof SavedResultsError) throw new CliError(`scenario "${scenario.name}": ${error.message}`, 2);
      throw error;
    }
    measured.set(scenario.name, scenarioFigures(scenarioRuns));
  }
  if (update) {
    try {
      writeBudget(budget, measured);
    } catch (error) {
      if (error instanceof BudgetError) throw new CliError(error.message, 1);
      throw error;
    }
    const functions = [...measured.values()].reduce((sum, scenario) => sum + scenario.size, 0);
    io.stdout.write(formatCheck(checkAgainstBudget(measured, { ...budget, budget: measured }), budget));
    io.stdout.write(`memprof: wrote the budget of ${functions} function${functions === 1 ? '' : 's'} in ${measured.size} scenario${measured.size === 1 ? '' : 's'} to ${shown}\n`);
    return 0;
  }
  const result = checkAgainstBudget(measured, budget);
  io.stdout.write(formatCheck(result, budget));
  return result.rows.some((row) => row.over.length > 0) ? 1 : 0;
}

export const checkCommand: Command = {
  name: 'check',
  usage: 'memprof check [--budget <file>] [--update] [--runs <n>]',
  listedUsage: 'memprof check [options]',
  summary: 'compare memory with a budget; exit 1 on a regression',
  description: `Runs the scenarios of a budget file (default memprof.budget.json): files that export a function,
each called --runs times after a warm-up call, and results files of collect() or --json output. For the
call as a whole and for each profiled function it calls, what it allocated, what it left alive and its
peak (medians over the runs) are compared with the budget plus its tolerance. Prints a table; exit code
1 when a figure is over, 0 otherwise, 2 for a budget file that cannot be used. --update writes the
budget from this run (to a temporary file, renamed over the budget file). See docs/leaks.md.`,
  options: [
    { name: 'budget', short: 'b', value: 'file', description: 'the budget file (default memprof.budget.json)' },
    { name: 'update', short: 'u', description: "write this run's figures as the budget" },
    { name: 'runs', short: 'r', value: 'n', description: 'runs of each file scenario (default: the budget file\'s, or 5)' },
    HELP_OPTION,
  ],
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`memprof check takes no files (the budget file names the scenarios), got ${positionals.join(' ')}`);
    let runs: number | undefined;
    if (values.runs !== undefined) {
      if (typeof values.runs !== 'string' || !/^\d+$/.test(values.runs) || Number(values.runs) < 1) throw new UsageError(`--runs must be a whole number of at least 1, got "${String(values.runs)}"`);
      runs = Number(values.runs);
    }
    return check(resolve(io.cwd, (values.budget as string | undefined) ?? 'memprof.budget.json'), values.update === true, runs, io);
  },
};
