// `memprof check`'s verdict: each scenario's functions, measured now (medians over runs), against
// the budget with its tolerances, like c8's check-coverage turns thresholds into an exit code. A
// figure over its budget plus tolerance is a regression; a function without a budget is new (not a
// failure: `--update` adds it); a budgeted one that did not run is listed.
import { formatSize } from '../shared/bytes';
import type { Budget, Tolerance } from './budget-file';
import { METRICS, type FunctionFigures, type MetricKey } from './figures';
import { formatTable } from './table';

export interface CheckRow {
  scenario: string;
  function: string;
  measured: FunctionFigures;
  budget: FunctionFigures | undefined;
  /** The figures over their budget plus tolerance. */
  over: MetricKey[];
}

export interface CheckResult {
  rows: CheckRow[];
  /** Budgeted functions that were not measured this time, as "scenario › function". */
  missing: string[];
}

const LABELS: Record<MetricKey, string> = { allocatedBytes: 'allocated', retainedBytes: 'retained', peakBytes: 'peak' };

/** What a figure may reach: its budget plus the tolerance. */
export function limitOf(budgeted: number, tolerance: Tolerance): number {
  return budgeted * (1 + tolerance.fraction) + tolerance.bytes;
}

function describeTolerance(tolerance: Tolerance): string {
  const parts = [];
  if (tolerance.fraction > 0) parts.push(`${Math.round(tolerance.fraction * 1000) / 10}%`);
  if (tolerance.bytes > 0 || parts.length === 0) parts.push(formatSize(tolerance.bytes));
  return parts.join(' + ');
}

export function checkAgainstBudget(measured: ReadonlyMap<string, ReadonlyMap<string, FunctionFigures>>, budget: Budget): CheckResult {
  const rows: CheckRow[] = [];
  const missing: string[] = [];
  for (const scenario of budget.scenarios) {
    const now = measured.get(scenario.name) ?? new Map<string, FunctionFigures>();
    const then = budget.budget.get(scenario.name) ?? new Map<string, FunctionFigures>();
    for (const [name, figures] of now) {
      const budgeted = then.get(name);
      const over = budgeted
        ? METRICS.filter((metric) => {
            const value = figures[metric];
            const allowed = budgeted[metric];
            return value !== null && allowed !== null && value > limitOf(allowed, scenario.tolerance[metric]);
          })
        : [];
      rows.push({ scenario: scenario.name, function: name, measured: figures, budget: budgeted, over });
    }
    for (const name of then.keys()) if (!now.has(name)) missing.push(`${scenario.name} › ${name}`);
  }
  return { rows, missing };
}

function cell(row: CheckRow, metric: MetricKey): string {
  const now = row.measured[metric];
  const then = row.budget?.[metric];
  const shown = `${now === null ? '-' : formatSize(now)} / ${then === undefined || then === null ? '-' : formatSize(then)}`;
  return row.over.includes(metric) ? `${shown} ✗` : shown;
}

/** The table (now / budget per figure) and, under it, each regression in words. */
export function formatCheck(result: CheckResult, budget: Budget): string {
  const table = formatTable(
    ['Scenario', 'Function', 'Allocated (now / budget)', 'Retained', 'Peak', 'Status'],
    result.rows.map((row) => [row.scenario, row.function, cell(row, 'allocatedBytes'), cell(row, 'retainedBytes'), cell(row, 'peakBytes'), row.over.length > 0 ? 'REGRESSION' : row.budget ? 'ok' : 'new']),
  );
  const lines = [table];
  for (const row of result.rows) {
    const tolerance = budget.scenarios.find((scenario) => scenario.name === row.scenario)!.tolerance;
    for (const metric of row.over) {
      lines.push(
        `memprof: ${row.scenario} › ${row.function}: ${LABELS[metric]} ${formatSize(row.measured[metric]!)}, over its budget of ${formatSize(row.budget![metric]!)} + ${describeTolerance(tolerance[metric])}\n`,
      );
    }
  }
  const fresh = result.rows.filter((row) => !row.budget).length;
  if (fresh > 0) lines.push(`memprof: ${fresh} function${fresh === 1 ? '' : 's'} without a budget (new): memprof check --update adds ${fresh === 1 ? 'it' : 'them'}\n`);
  if (result.missing.length > 0) lines.push(`memprof: in the budget but not measured: ${result.missing.join(', ')}\n`);
  return lines.join('');
}
