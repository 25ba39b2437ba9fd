// The metrics a user can ask for. Kept apart from the readers so that validating options at start-up
// does not open V8's counters.
export const METRIC_NAMES = ['heap', 'rss', 'heapUsed', 'external'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function isMetricName(name: unknown): name is MetricName {
  // A loop, not includes(): this runs inside profiled programs, which may replace Array methods.
  if (typeof name !== 'string') return false;
  for (let index = 0; index < METRIC_NAMES.length; index++) if (METRIC_NAMES[index] === name) return true;
  return false;
}
