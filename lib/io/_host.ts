/**
 * Which host the I/O back ends talk to, decided by feature test, and Node's
 * modules loaded lazily, so that no bundle carries a static `node:` import
 * and a browser never loads one.
 *
 * The test harness installs a stand-in `Deno` (only `Deno.test`) in Node and
 * browsers, so Deno is recognised by `Deno.connect`, never by the global
 * alone; Deno is checked first because it also defines `process`.
 *
 * @module
 */

import { fromPromise } from "../task/from_promise.ts";
import type { Coro } from "../task/yield_protocol.ts";
import type * as NodeChildProcess from "node:child_process";
import type * as NodeNet from "node:net";
import type * as NodeTls from "node:tls";

/** @internal The runtime the back ends serve. */
export type _Host = "deno" | "node" | "other";

/** @internal What `_host()` decided; computed once. */
let detected: _Host | null = null;

/** @internal The host, by feature test. */
export function _host(): _Host {
  if (detected !== null) return detected;
  const g = globalThis as {
    Deno?: { connect?: unknown; version?: unknown };
    process?: { versions?: { node?: unknown } };
  };
  if (typeof g.Deno?.connect === "function" && typeof g.Deno.version === "object") detected = "deno";
  else if (typeof g.process?.versions?.node === "string") detected = "node";
  else detected = "other";
  return detected;
}

/** @internal Node's modules the back ends use, by name. */
export interface _NodeModules {
  net: typeof NodeNet;
  tls: typeof NodeTls;
  child_process: typeof NodeChildProcess;
}

const loaded: Partial<_NodeModules> = {};

/**
 * @internal Node's module `name`, imported on first use. The specifiers are
 * literal so that bundlers see them (and keep them external).
 */
export function* _nodeModule<K extends keyof _NodeModules>(name: K): Coro<_NodeModules[K]> {
  const cached = loaded[name];
  if (cached !== undefined) return cached;
  const imported = name === "net"
    ? import("node:net")
    : name === "tls"
    ? import("node:tls")
    : import("node:child_process");
  const module = (yield* fromPromise(imported)) as unknown as _NodeModules[K];
  loaded[name] = module;
  return module;
}
