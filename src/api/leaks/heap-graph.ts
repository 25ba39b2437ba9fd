// A heap snapshot (V8's .heapsnapshot JSON) read into flat arrays: the nodes with their type, name,
// size and allocation trace, the edges between them, and the allocation stacks (trace tree) recorded
// while allocations were tracked. Only what retainer paths and allocation stacks need.

export interface SnapshotFunction {
  name: string;
  url: string;
  scriptId: string;
  /** 0-based, like the inspector's call frames (the snapshot's own are 1-based). */
  lineNumber: number;
  columnNumber: number;
}

interface SnapshotJson {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
      trace_function_info_fields?: string[];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
  trace_function_infos?: number[];
  trace_tree?: unknown[];
  locations?: number[];
}

export class HeapGraph {
  readonly nodeCount: number;
  private readonly nodes: number[];
  private readonly edges: number[];
  private readonly strings: string[];
  private readonly nodeFields: number;
  private readonly edgeFields: number;
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  private readonly offsets: { type: number; name: number; id: number; size: number; edgeCount: number; trace: number };
  private readonly edgeOffsets: { type: number; name: number; to: number };
  /** Index of each node's first edge (in edges, counted in edges, not in array slots). */
  private readonly firstEdge: Uint32Array;
  /** Trace node id -> [parent trace node id, function index]. */
  private readonly traceParent = new Map<number, number>();
  private readonly traceFunction = new Map<number, number>();
  private readonly functions: SnapshotFunction[] = [];
  /** Node index -> [script id, line, column] of a closure's source (the snapshot's `locations`). */
  private readonly closureLocations = new Map<number, { scriptId: string; lineNumber: number; columnNumber: number }>();

  constructor(json: SnapshotJson) {
    const meta = json.snapshot.meta;
    this.nodes = json.nodes;
    this.edges = json.edges;
    this.strings = json.strings;
    this.nodeFields = meta.node_fields.length;
    this.edgeFields = meta.edge_fields.length;
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    const field = (name: string) => meta.node_fields.indexOf(name);
    this.offsets = { type: field('type'), name: field('name'), id: field('id'), size: field('self_size'), edgeCount: field('edge_count'), trace: field('trace_node_id') };
    this.edgeOffsets = { type: meta.edge_fields.indexOf('type'), name: meta.edge_fields.indexOf('name_or_index'), to: meta.edge_fields.indexOf('to_node') };
    this.nodeCount = this.nodes.length / this.nodeFields;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    for (let node = 0, edge = 0; node < this.nodeCount; node++) {
      this.firstEdge[node] = edge;
      edge += this.nodes[node * this.nodeFields + this.offsets.edgeCount];
      this.firstEdge[node + 1] = edge;
    }
    this.readTraces(json);
    const locations = json.locations ?? [];
    for (let index = 0; index + 3 < locations.length; index += 4) {
      this.closureLocations.set(locations[index] / this.nodeFields, {
        scriptId: String(locations[index + 1]),
        lineNumber: locations[index + 2],
        columnNumber: locations[index + 3],
      });
    }
  }

  private readTraces(json: SnapshotJson): void {
    const infoFields = json.snapshot.meta.trace_function_info_fields ?? [];
    const infos = json.trace_function_infos ?? [];
    const at = (name: string) => infoFields.indexOf(name);
    const [name, scriptName, scriptId, line, column] = [at('name'), at('script_name'), at('script_id'), at('line'), at('column')];
    for (let index = 0; infoFields.length > 0 && index + infoFields.length <= infos.length; index += infoFields.length) {
      this.functions.push({
        name: this.strings[infos[index + name]] ?? '',
        url: this.strings[infos[index + scriptName]] ?? '',
        scriptId: String(infos[index + scriptId]),
        lineNumber: infos[index + line] - 1,
        columnNumber: infos[index + column] - 1,
      });
    }
    // The tree is nested arrays: [id, function index, count, size, [children...]] repeated.
    const walk = (entries: unknown[], parent: number): void => {
      for (let index = 0; index + 4 < entries.length; index += 5) {
        const id = entries[index] as number;
        this.traceParent.set(id, parent);
        this.traceFunction.set(id, entries[index + 1] as number);
        walk(entries[index + 4] as unknown[], id);
      }
    };
    walk(json.trace_tree ?? [], 0);
  }

  private field(node: number, offset: number): number {
    return this.nodes[node * this.nodeFields + offset];
  }

  type(node: number): string {
    return this.nodeTypes[this.field(node, this.offsets.type)];
  }

  name(node: number): string {
    return this.strings[this.field(node, this.offsets.name)];
  }

  selfSize(node: number): number {
    return this.field(node, this.offsets.size);
  }

  /** The allocation stack of a node allocated while allocations were tracked, innermost first; [] otherwise. */
  allocationStack(node: number): SnapshotFunction[] {
    const stack: SnapshotFunction[] = [];
    if (this.offsets.trace < 0) return stack;
    for (let trace = this.field(node, this.offsets.trace); trace !== 0; trace = this.traceParent.get(trace) ?? 0) {
      const info = this.functions[this.traceFunction.get(trace) ?? -1];
      // The tree's root is "(root)", not a frame.
      if (info && this.traceParent.get(trace) !== 0) stack.push(info);
    }
    return stack;
  }

  /** Whether the node was allocated while allocations were tracked. */
  tracked(node: number): boolean {
    return this.offsets.trace >= 0 && this.field(node, this.offsets.trace) !== 0;
  }

  closureLocation(node: number) {
    return this.closureLocations.get(node);
  }

  /** Calls `visit(edgeType, edgeName, target)` for each edge of `node`. */
  forEachEdge(node: number, visit: (type: string, name: string | number, target: number) => void): void {
    for (let edge = this.firstEdge[node]; edge < this.firstEdge[node + 1]; edge++) {
      const base = edge * this.edgeFields;
      const type = this.edgeTypes[this.edges[base + this.edgeOffsets.type]];
      const raw = this.edges[base + this.edgeOffsets.name];
      const name = type === 'element' || type === 'hidden' ? raw : this.strings[raw];
      visit(type, name, this.edges[base + this.edgeOffsets.to] / this.nodeFields);
    }
  }
}
