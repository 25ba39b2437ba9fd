// A session with V8's inspector in this very thread (node:inspector), used synchronously: for a
// session connected to its own thread, V8 answers a message before `post` returns, and sends the
// notifications it causes (heap snapshot chunks) on the way. Methods that answer later
// (HeapProfiler.collectGarbage, for one) are refused here rather than awaited.
import type * as Inspector from 'node:inspector';

export class InspectorError extends Error {}

export interface InspectorSession {
  post<T = Record<string, unknown>>(method: string, params?: object): T;
  on(event: string, listener: (message: { params: unknown }) => void): void;
  off(event: string, listener: (message: { params: unknown }) => void): void;
  close(): void;
}

/** Opens a session, or explains in one line why there cannot be one (Node built without an inspector). */
export function openInspectorSession(): InspectorSession | string {
  let inspector: typeof Inspector;
  try {
    inspector = require('node:inspector') as typeof Inspector;
  } catch (error) {
    return `no inspector in this Node (${(error as Error).message})`;
  }
  const session = new inspector.Session();
  session.connect();
  return {
    post<T>(method: string, params?: object): T {
      let answered = false;
      let failure: Error | null = null;
      let answer: unknown;
      session.post(method, params ?? {}, (error: Error | null, result: unknown) => {
        answered = true;
        failure = error;
        answer = result;
      });
      if (!answered) throw new InspectorError(`memprof: the inspector did not answer ${method} at once`);
      if (failure) throw new InspectorError(`memprof: ${method} failed: ${(failure as Error).message}`);
      return answer as T;
    },
    on: (event, listener) => void session.on(event, listener),
    off: (event, listener) => void session.off(event, listener),
    close: () => session.disconnect(),
  };
}
