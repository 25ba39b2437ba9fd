// Running the measured function: exactly once, awaiting what it returns if that is a promise.
import { isThenable } from '../../shared/thenable';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs `fn` once; its value (resolved) or what it threw (or rejected with). */
export async function runOnce(fn: () => unknown): Promise<Outcome> {
  try {
    const returned = fn();
    return { ok: true, value: isThenable(returned) ? await returned : returned };
  } catch (error) {
    return { ok: false, error };
  }
}
