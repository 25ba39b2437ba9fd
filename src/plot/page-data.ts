// How the HTML report carries its PlotData: as JSON, with the long lists in columns. A series' times
// and memory (and a decimated series' bucket means), and each field of the calls, are columns; a column whose values all have at
// most 4 decimals (all of the model's do: it rounds them so) is written as the differences of its
// values in ten-thousandths, short integers (`0.0100` apart is `100`), which makes a big recording's
// page about half the size of plain JSON. Lossless: decode(encode(data)) equals the data.
// Runs in Node (html.ts) and in the browser (client.ts): no imports.
import type { CallData, PlotData, SeriesData } from './model';

/** Values as written, or differences of round(value * 10^scale), the first from 0. */
export type Column = unknown[] | { scale: number; deltas: number[] };

export interface PageSeries extends Omit<SeriesData, 'time' | 'memory' | 'decimated'> {
  time: Column;
  memory: Column;
  decimated?: { samples: number; bucketSeconds: number; means: { time: Column; memory: Column; samples: Column } };
}

export interface PageData extends Omit<PlotData, 'series' | 'calls'> {
  /** What this shape is, for a reader of the page's JSON. */
  encoding: 'memprof-columns-1';
  series: PageSeries[];
  /** One column per field of CallData (null where a call has no such field: `pid` in the main process). */
  calls: { count: number; fields: Record<string, Column> };
}

const MAX_SCALE = 4;

/** The smallest scale (decimals) at which every value is exact, or undefined (not numbers, too many decimals). */
function scaleOf(values: readonly unknown[]): number | undefined {
  let scale = 0;
  for (const value of values) {
    if (typeof value !== 'number') return undefined;
    while (scale <= MAX_SCALE && !exactAt(value, scale)) scale++;
    if (scale > MAX_SCALE) return undefined;
  }
  return scale;
}

function exactAt(value: number, scale: number): boolean {
  const factor = 10 ** scale;
  const scaled = Math.round(value * factor);
  return Number.isSafeInteger(scaled) && scaled / factor === value;
}

export function encodeColumn(values: readonly unknown[]): Column {
  const scale = scaleOf(values);
  if (scale === undefined) return [...values];
  const factor = 10 ** scale;
  const deltas = new Array<number>(values.length);
  let previous = 0;
  values.forEach((value, index) => {
    const scaled = Math.round((value as number) * factor);
    deltas[index] = scaled - previous;
    previous = scaled;
  });
  return { scale, deltas };
}

export function decodeColumn(column: Column): unknown[] {
  if (Array.isArray(column)) return column;
  const factor = 10 ** column.scale;
  const values = new Array<number>(column.deltas.length);
  let scaled = 0;
  column.deltas.forEach((delta, index) => {
    scaled += delta;
    values[index] = scaled / factor;
  });
  return values;
}

function encodeSeries({ time, memory, decimated, ...rest }: SeriesData): PageSeries {
  const page: PageSeries = { ...rest, time: encodeColumn(time), memory: encodeColumn(memory) };
  if (decimated) {
    const { means } = decimated;
    page.decimated = { ...decimated, means: { time: encodeColumn(means.time), memory: encodeColumn(means.memory), samples: encodeColumn(means.samples) } };
  }
  return page;
}

function decodeSeries({ time, memory, decimated, ...rest }: PageSeries): SeriesData {
  const series: SeriesData = { ...rest, time: decodeColumn(time) as number[], memory: decodeColumn(memory) as number[] };
  if (decimated) {
    const { means } = decimated;
    const column = (values: Column) => decodeColumn(values) as number[];
    series.decimated = { ...decimated, means: { time: column(means.time), memory: column(means.memory), samples: column(means.samples) } };
  }
  return series;
}

export function encodePageData(data: PlotData): PageData {
  const { series, calls, ...rest } = data;
  const fields: Record<string, Column> = {};
  // Every field any call has, so that a field added to CallData travels without a change here.
  const names = [...new Set(calls.flatMap((call) => Object.keys(call)))];
  for (const name of names) fields[name] = encodeColumn(calls.map((call) => (call as unknown as Record<string, unknown>)[name] ?? null));
  return {
    ...rest,
    encoding: 'memprof-columns-1',
    series: series.map(encodeSeries),
    calls: { count: calls.length, fields },
  };
}

export function decodePageData(page: PageData): PlotData {
  const { series, calls, encoding: _encoding, ...rest } = page;
  const columns = Object.entries(calls.fields).map(([name, column]) => [name, decodeColumn(column)] as const);
  const decoded: CallData[] = [];
  for (let index = 0; index < calls.count; index++) {
    const call: Record<string, unknown> = {};
    for (const [name, values] of columns) if (values[index] !== null) call[name] = values[index];
    decoded.push(call as unknown as CallData);
  }
  return {
    ...rest,
    series: series.map(decodeSeries),
    calls: decoded,
  };
}
