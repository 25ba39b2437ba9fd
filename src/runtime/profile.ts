// The public `profile` marker. Under the load hook the instrumenter replaces marked call sites with
// stand-ins (see registry.ts), so this function only runs where no instrumentation happened: there
// it profiles whole calls. The global `profile` and the imported one are this same function.
import { applyMarker, type AnyFunction } from './marker-forms';
import { callerSite, wrapFunctionLevel } from './function-level';
import { resolveOptions, type ProfileOptions } from './options';
import { timestamp as markBlock } from './timestamp';
import { primordials } from '../shared/primordials';

const { ErrorCaptureStackTrace } = primordials;

/** What `profile(options)` returns: a method decorator for both decorator flavours. */
export interface ProfileDecorator {
  <T>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T> | void;
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext | ClassGetterDecoratorContext | ClassSetterDecoratorContext): F | void;
}

/** Legacy (`experimentalDecorators`) method decorator form. */
export function profile<T>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T> | void;
/** Standard (TypeScript 5+) method decorator form. */
export function profile<F extends AnyFunction>(
  method: F,
  context: ClassMethodDecoratorContext | ClassGetterDecoratorContext | ClassSetterDecoratorContext,
): F | void;
/** Profiles every call of `fn`; returns a function that behaves exactly like `fn`. */
export function profile<F extends AnyFunction>(fn: F, options?: ProfileOptions): F;
/** `@profile({ precision: 3, metric: 'rss' })`: a decorator with options. */
export function profile(options: ProfileOptions): ProfileDecorator;
export function profile(...args: unknown[]): unknown {
  const site = callerSite(2);
  return withUserStack(profile, () =>
    applyMarker(args, (fn, options, name) =>
      wrapFunctionLevel(fn, resolveOptions(options, `${site.file}:${site.line}`), { ...site, name }),
    ),
  );
}

// `profile.timestamp(name)`: a named block for recordings (see timestamp.ts).
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace profile {
  export const timestamp = markBlock;
}

/** A misuse of `profile` is the caller's error: its stack starts at the caller, not in memprof. */
export function withUserStack<T>(entryPoint: AnyFunction, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TypeError) ErrorCaptureStackTrace(error, entryPoint);
    throw error;
  }
}
