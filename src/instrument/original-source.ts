// Where compiled code came from: a compiled file's source map, read back. The instrumenter uses it
// for JavaScript that a compiler wrote (tsc, esbuild, swc, ts-node, tsx, ts-jest), so that the tables
// of its marked functions show the original lines, numbers and text, not the compiled ones.
import { AnyMap, decodedMappings, TraceMap, traceSegment } from '@jridgewell/trace-mapping';
import type * as t from '@babel/types';

/** What the load hook or the test runner's transformer knows of a compiled file's origin. */
export interface OriginalSources {
  /** The compiled code's source map (version 3), as parsed JSON. */
  map: object;
  /** Absolute path of each entry of the map's `sources`. */
  files: string[];
  /** The text of each (the map's sourcesContent, else the file's): null where it is not known. */
  contents: Array<string | null>;
}

/** A position in an original file: the index of the file in OriginalSources, 1-based line. */
export interface OriginalPosition {
  source: number;
  line: number;
}

export class SourceMapLines {
  private readonly traced: TraceMap;

  constructor(readonly original: OriginalSources) {
    const map = original.map as { sections?: unknown };
    this.traced = map.sections ? new AnyMap(original.map as never) : new TraceMap(original.map as never);
  }

  /**
   * The original position of a generated one (1-based line, 0-based column): the mapping at or before
   * it on its line, else the first one after it on that line (a statement's first token is not always
   * mapped where it starts, e.g. `exports.f = ...` written for `export const f = ...`).
   */
  positionAt(line: number, column: number): OriginalPosition | undefined {
    let segment: Readonly<number[]> | null = traceSegment(this.traced, line - 1, column);
    if (!segment || segment.length < 4) {
      const segments = decodedMappings(this.traced)[line - 1] ?? [];
      segment = segments.find((candidate) => candidate[0] >= column && candidate.length >= 4) ?? null;
    }
    return toPosition(segment);
  }

  /** The original position of where a compiled node starts. */
  positionOf(node: t.Node): OriginalPosition | undefined {
    const start = node.loc?.start;
    return start ? this.positionAt(start.line, start.column) : undefined;
  }

  /**
   * Only a mapping exactly where the node starts: what a compiler maps a function's name to. Code the
   * compiler added (its helpers) has no mapping of its own, and must not borrow its neighbour's.
   */
  exactPositionOf(node: t.Node): OriginalPosition | undefined {
    const start = node.loc?.start;
    if (!start) return undefined;
    const segment = traceSegment(this.traced, start.line - 1, start.column);
    return segment && segment[0] === start.column ? toPosition(segment) : undefined;
  }
}

function toPosition(segment: Readonly<number[]> | null): OriginalPosition | undefined {
  if (!segment || segment.length < 4) return undefined;
  const [, source, line] = segment as [number, number, number, number];
  return { source, line: line + 1 };
}
