/**
 * `instanceof` that never throws. `x instanceof C` walks `x`'s prototype
 * chain, which runs a Proxy's `getPrototypeOf` trap — and a revoked Proxy
 * throws there. Where yieldio classifies a value it did not make (an
 * argument, an error user code threw), a throw would replace the caller's
 * `TypeError` or the user's own error with the Proxy's; a value that cannot
 * say what it is, is not an instance.
 *
 * @module
 */

/**
 * @param value Any value, possibly hostile.
 * @param cls The class to test against.
 * @returns `value instanceof cls`, or `false` when asking throws.
 */
export function isInstance<T>(value: unknown, cls: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof cls;
  } catch {
    return false;
  }
}
