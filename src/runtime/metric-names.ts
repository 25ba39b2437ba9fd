// The metrics a user can ask for. Kept apart from the readers so that validating options at start-up
// does not open V8's counters.
export const METRIC_NAMES = ['heap', 'rss', 'heapUsed', 'external'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name);
}
