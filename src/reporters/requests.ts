// Per-request accounts (MEMPROF_REQUESTS=1, or `memprof run --requests`): for servers built on node:http
// (Express, Fastify, Koa...), profiled calls are grouped by the request that caused them, followed
// through async context, and summed per route at exit: requests, allocated per request (median, p95),
// net per request, and the line that allocated most. Node's own diagnostics channels announce each
// request and its response's end, so nothing of the server is wrapped or replaced.
import { subscribe } from 'node:diagnostics_channel';
import { AsyncLocalStorage } from 'node:async_hooks';
import { relative } from 'node:path';
import type { CallListener, CallStart } from '../runtime/call-events';
import type { CallResult } from '../runtime/call-result';
import { mib } from './table';
import { complain, write } from './destination';
import { append, joinStrings, own, padStart, primordials, repeat } from '../shared/primordials';

const { ArrayPrototypeSort, MathFloor, RegExpPrototypeExec, RegExpPrototypeSymbolReplace, RegExpPrototypeSymbolSplit, SafeMap, processOn } = primordials;

interface RequestAccount {
  method: string;
  path: string;
  allocatedBytes: number;
  netBytes: number;
  /** Calls of this request not yet ended, by id: a call ending while its caller is here is nested. */
  open: Map<number, true>;
  lines: Map<string, LineShare>;
}

interface LineShare {
  file: string;
  line: number;
  functionName: string;
  allocatedBytes: number;
}

interface RouteAccount {
  route: string;
  allocated: number[];
  net: number[];
  lines: Map<string, LineShare>;
}

export interface RequestAccountsListener extends CallListener {
  format(): string;
  requests(): number;
  /** Accounts requests whose response was ended but whose 'finish' the process did not live to see. */
  settle(): void;
}

/** A path with its ids collapsed: numbers, UUIDs and long hex strings become `:id`. */
export function collapsePath(url: string): string {
  const path = RegExpPrototypeSymbolSplit(/[?#]/, url)[0] || '/';
  const segments = RegExpPrototypeSymbolSplit(/\//, path);
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (RegExpPrototypeExec(/^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,})$/i, segment)) segments[index] = ':id';
  }
  return joinStrings(segments, '/');
}

/** The route as the framework matched it (Express: baseUrl + route.path), else the collapsed path. */
function routeOf(request: unknown, account: RequestAccount): string {
  const route = request && typeof request === 'object' ? own(request as object, 'route') : undefined;
  const routePath = route && typeof route === 'object' ? own(route as object, 'path') : undefined;
  if (typeof routePath === 'string') {
    const base = own(request as object, 'baseUrl');
    return `${account.method} ${typeof base === 'string' ? base : ''}${routePath}`;
  }
  return `${account.method} ${collapsePath(account.path)}`;
}

function percentile(values: number[], fraction: number): number {
  const sorted: number[] = [];
  for (let index = 0; index < values.length; index++) sorted[index] = values[index];
  ArrayPrototypeSort(sorted, (a: number, b: number) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[MathFloor((sorted.length - 1) * fraction)];
}

export function requestAccounts(): RequestAccountsListener {
  const current = new AsyncLocalStorage<RequestAccount>();
  const callRequests = new SafeMap<number, RequestAccount>();
  const routes = new SafeMap<string, RouteAccount>();
  // By response object: on a kept-alive socket, the async context a response finishes in may already
  // be the next request's.
  const byResponse = new WeakMap<object, RequestAccount>();
  const pending = new SafeMap<object, { request: unknown; account: RequestAccount }>();
  let finished = 0;

  const finish = (request: unknown, response: object, account: RequestAccount): void => {
    byResponse.delete(response);
    pending.delete(response);
    finished++;
    const route = routeOf(request, account);
    let total = routes.get(route);
    if (!total) {
      total = { route, allocated: [], net: [], lines: new SafeMap() };
      routes.set(route, total);
    }
    append(total.allocated, account.allocatedBytes);
    append(total.net, account.netBytes);
    const into = total.lines;
    account.lines.forEach((share, key) => {
      const sum = into.get(key);
      if (sum) sum.allocatedBytes += share.allocatedBytes;
      else into.set(key, { ...share });
    });
  };

  subscribe('http.server.request.start', (message) => {
    const request = own(message as object, 'request') as { method?: string; url?: string } | undefined;
    if (!request) return;
    const method = own(request, 'method');
    const url = own(request, 'url');
    const account: RequestAccount = {
      method: typeof method === 'string' ? method : 'GET',
      path: typeof url === 'string' ? url : '/',
      allocatedBytes: 0,
      netBytes: 0,
      open: new SafeMap(),
      lines: new SafeMap(),
    };
    const response = own(message as object, 'response');
    if (response && typeof response === 'object') {
      byResponse.set(response, account);
      pending.set(response, { request, account });
    }
    current.enterWith(account);
  });
  subscribe('http.server.response.finish', (message) => {
    const response = own(message as object, 'response');
    const account = response && typeof response === 'object' ? byResponse.get(response) : undefined;
    if (!account) return;
    finish(own(message as object, 'request'), response as object, account);
  });

  return {
    started(call: CallStart) {
      const account = current.getStore();
      if (!account) return;
      callRequests.set(call.id, account);
      account.open.set(call.id, true);
    },
    ended(call: CallStart, result: CallResult) {
      const account = callRequests.get(call.id);
      if (!account) return;
      callRequests.delete(call.id);
      account.open.delete(call.id);
      if (result.block) return;
      // A call whose caller is a call of this request is inside the caller's figures already.
      if (!account.open.has(call.parentId)) {
        account.allocatedBytes += result.allocatedBytes;
        account.netBytes += result.allocatedBytes - result.freedBytes;
      }
      for (let index = 0; index < result.lines.length; index++) {
        const line = result.lines[index];
        const itself = line.allocatedBytes - line.calleeAllocatedBytes;
        if (itself <= 0) continue;
        const key = `${result.file}\0${line.line}`;
        const share = account.lines.get(key);
        if (share) share.allocatedBytes += itself;
        else account.lines.set(key, { file: result.file, line: line.line, functionName: result.functionName, allocatedBytes: itself });
      }
    },
    requests: () => finished,
    settle() {
      pending.forEach((open, response) => {
        if ((response as { writableEnded?: boolean }).writableEnded === true) finish(open.request, response, open.account);
      });
    },
    format() {
      const ranked: RouteAccount[] = [];
      routes.forEach((route) => append(ranked, route));
      const totalOf = (route: RouteAccount) => {
        let sum = 0;
        for (let index = 0; index < route.allocated.length; index++) sum += route.allocated[index];
        return sum;
      };
      ArrayPrototypeSort(ranked, (a: RouteAccount, b: RouteAccount) => totalOf(b) - totalOf(a));
      const rows: string[][] = [['Route', 'Requests', 'Allocated/request', 'p95', 'Net/request', 'Top line']];
      for (let index = 0; index < ranked.length; index++) {
        const route = ranked[index];
        let top: LineShare | undefined;
        route.lines.forEach((share) => {
          if (!top || share.allocatedBytes > top.allocatedBytes) top = share;
        });
        const net = percentile(route.net, 0.5);
        const topText = top ? `${relative(process.cwd(), top.file)}:${top.line} ${top.functionName} (${mib(top.allocatedBytes / route.allocated.length, 1)}/request)` : '';
        append(rows, [
          route.route,
          `${route.allocated.length}`,
          mib(percentile(route.allocated, 0.5), 1),
          mib(percentile(route.allocated, 0.95), 1),
          `${net > 0 ? '+' : ''}${mib(net, 1)}`,
          topText,
        ]);
      }
      const widths = [0, 0, 0, 0, 0];
      for (let row = 0; row < rows.length; row++) for (let column = 0; column < 5; column++) if (rows[row][column].length > widths[column]) widths[column] = rows[row][column].length;
      const text: string[] = [];
      for (let row = 0; row < rows.length; row++) {
        const cells = [
          rows[row][0] + repeat(' ', widths[0] - rows[row][0].length),
          padStart(rows[row][1], widths[1]),
          padStart(rows[row][2], widths[2]),
          padStart(rows[row][3], widths[3]),
          padStart(rows[row][4], widths[4]),
          rows[row][5],
        ];
        append(text, RegExpPrototypeSymbolReplace(/\s+$/, `  ${joinStrings(cells, '  ')}`, ''));
      }
      return `memprof: memory per request, by route (${finished} requests; what their profiled calls allocated, medians and 95th percentiles)\n${joinStrings(text, '\n')}\n\n`;
    },
  };
}

/** Prints the accounts when the process exits (if any request was served). */
export function printRequestAccountsAtExit(listener: RequestAccountsListener): void {
  processOn(process, 'exit', () => {
    listener.settle();
    if (listener.requests() === 0) return;
    try {
      write(listener.format(), undefined, 'output');
    } catch (error) {
      complain(`memprof: could not write the request accounts: ${(error as Error).message}\n`);
    }
  });
}
