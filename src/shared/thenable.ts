// Promises from another realm (a test runner's sandbox) are not `instanceof Promise` here, and a
// profiled function may return any thenable: tell them apart by shape.
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
