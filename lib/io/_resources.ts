/**
 * The I/O resources each loop has open: sockets, listeners, child processes,
 * event listeners, streams being pumped. Every opener registers its resource
 * here and removes it when it closes, so the testing kit's sanitizer can name
 * what a test left open; the loop (`_closeWithLoop`) closes what nobody did
 * when it closes, so nothing outlives `run()`.
 *
 * Invariant: a resource is in its loop's set exactly while it is open.
 *
 * This file holds no host code and no module state: the registry hangs on
 * `globalThis` under a registered symbol, so the testing bundle and the I/O
 * bundle (each with its own copy of this file) share one registry.
 *
 * @module
 */

/** @internal Something open on a loop. */
export interface _Resource {
  /** One line naming it, e.g. `<socket 127.0.0.1:51200 → 127.0.0.1:8080>`. */
  toString(): string;
  /** Closes it at once (dropping unsent data); idempotent. */
  close(): void;
}

const REGISTRY = Symbol.for("yieldio.io.openResources");

type Registry = WeakMap<object, Set<_Resource>>;

function registry(): Registry {
  const host = globalThis as { [REGISTRY]?: Registry };
  return host[REGISTRY] ??= new WeakMap();
}

/** @internal Notes `resource` as open on `loop`. */
export function _track(loop: object, resource: _Resource): void {
  const map = registry();
  let open = map.get(loop);
  if (open === undefined) map.set(loop, open = new Set());
  open.add(resource);
  (loop as Partial<ClosesWith>)._closeWithLoop?.(resource, true); // the loop's close() closes it if nobody did
}

/** @internal Notes `resource` as closed. */
export function _untrack(loop: object, resource: _Resource): void {
  registry().get(loop)?.delete(resource);
  (loop as Partial<ClosesWith>)._closeWithLoop?.(resource, false);
}

/** The part of a loop that closes what is still open on it when it closes. */
interface ClosesWith {
  _closeWithLoop(resource: _Resource, add: boolean): void;
}

/** @internal The resources open on `loop`, in the order they were opened. */
export function _openResources(loop: object): _Resource[] {
  return [...(registry().get(loop) ?? [])];
}
