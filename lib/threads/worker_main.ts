/**
 * The worker side of a pool: the program every pool worker starts with.
 *
 * It waits for its port (Node: `workerData`; Deno and browsers: the first
 * message), then runs jobs one at a time: `import()` the job's module by URL
 * (cached per worker), call the named export with the job's arguments, await
 * a returned promise, post the result or a description of the error on the
 * port, and — when the owning loop blocks in `Atomics.wait` — bump that
 * loop's wake-up counter so it drains the port (`receiveMessageOnPort`).
 *
 * While a job runs, `globalThis[Symbol.for("yieldio.job")]` holds its
 * AbortSignal (read by `jobSignal()`); a cancel message aborts it, and where
 * memory can be shared a cell lets a synchronous job see the cancel without
 * returning to its event loop.
 *
 * A worker about to die says so itself, on its port, with a wake-up bump: a
 * pool whose loop blocks in `Atomics.wait` never sees the host's `error` or
 * `exit` events, so without this reply it would wait forever. Fatal are an
 * uncaught error, an unhandled rejection, `process.exit()` and `self.close()`.
 *
 * When a job settles, each channel end among its top-level arguments that it
 * never opened (`new Channel` marks opened ports in a global WeakSet) is closed
 * with a `close` message and a bump of the peer, so the peer's `get()` raises
 * `QueueShutDown` instead of waiting for an end nobody will ever open.
 *
 * Why a string: a worker starts from a Blob URL (Deno, browsers) or eval'd
 * code (Node), so the pool needs no file of its own and users point it at
 * their module only. Source text survives any bundler or minifier;
 * `Function.prototype.toString()` would not (bundlers insert helpers such as
 * esbuild's `__name`). It imports nothing, so it runs as a classic script, a
 * module, or CommonJS. Keep it plain ES2020.
 *
 * @module
 */

/**
 * The bootstrap's source (see the module doc). A function, not a constant: a
 * top-level tagged template is a side effect to a bundler, which would keep
 * these 5 KB in programs that never start a worker.
 */
export function workerMain(): string {
  return String.raw`"use strict";
(() => {
  const JOB = Symbol.for("yieldio.job");
  const OPENED = Symbol.for("yieldio.opened-ports");
  const modules = new Map();
  let port = null, abortCell = null, wake = null, current = null, dying = false;

  // Never throws, whatever was thrown (a revoked Proxy, throwing getters): the job must get an answer.
  function describe(error, depth) {
    try {
      if (!(error instanceof Error) || depth > 3) {
        try { structuredClone(error); return { thrown: error }; } catch { return { thrown: text(error) }; }
      }
      const out = { name: text(error.name), message: text(error.message), stack: text(error.stack) };
      if (error.cause !== undefined) out.cause = describe(error.cause, depth + 1);
      if (typeof error.code === "string") out.code = error.code;
      return out;
    } catch {
      return { thrown: "a value that throws when inspected (a revoked Proxy?)" };
    }
  }

  function text(value) {
    if (value === undefined || typeof value === "string") return value;
    try { return String(value); } catch { return "a value that cannot be converted to a string"; }
  }

  function bump(handle) {
    if (handle) { Atomics.add(handle.cell, handle.index, 1); Atomics.notify(handle.cell, handle.index); }
  }

  function send(message) {
    try {
      port.postMessage(message);
    } catch (e) {
      port.postMessage({ t: "error", id: message.id, error: describe(new TypeError(
        "the result of " + (current === null ? "the job" : current.label) + " cannot be cloned back from the worker: " + (e && e.message)), 0) });
    }
    bump(wake);
  }

  // The last word of a dying worker; the pool retires it on this reply.
  function die(error) {
    if (dying || port === null) return;
    dying = true;
    try { send({ t: "crash", id: current === null ? undefined : current.id, error: describe(error, 0) }); } catch {}
  }

  // A peer waits on an end only this job could have opened: close it from here.
  function closeUnopened(args) {
    const opened = globalThis[OPENED];
    const read = typeof require === "function" ? require("node:worker_threads").receiveMessageOnPort : null;
    for (const arg of args) {
      const end = arg !== null && typeof arg === "object" && arg.kind === "yieldio.channel-end" ? arg.port : null;
      if (!end || (opened !== undefined && opened.has(end))) continue;
      let peerWake = null;
      // A blocked peer announced its wake handle in its hello, still queued here.
      for (let got = read && read(end); got !== undefined && got !== null; got = read(end)) {
        if (got.message && got.message.t === "hello") peerWake = got.message.wake;
      }
      try { end.postMessage({ t: "close" }); } catch {}
      end.close();
      bump(peerWake);
      bump(wake); // the peer is usually the pool's own loop, which may have opened its end after the read above
    }
  }

  async function load(url) {
    let entry = modules.get(url);
    if (entry === undefined) { entry = import(url); modules.set(url, entry); }
    try {
      return await entry;
    } catch (e) {
      modules.delete(url);
      const error = new (e instanceof TypeError ? TypeError : Error)(
        "could not import " + url + " in a worker: " + (e && e.message), { cause: e });
      throw error;
    }
  }

  async function run(job) {
    const controller = new AbortController();
    const id = job.id;
    const abort = () => {
      if (!controller.signal.aborted) controller.abort(new DOMException("the job was cancelled", "AbortError"));
    };
    const check = () => { if (abortCell !== null && Atomics.load(abortCell, 0) === id) abort(); };
    current = { id, label: job.name + "()", signal: controller.signal, abort, check };
    try {
      const mod = await load(job.module);
      const fn = mod[job.name];
      if (typeof fn !== "function") {
        const names = Object.keys(mod).filter((k) => typeof mod[k] === "function");
        throw new TypeError(job.module + (job.name in mod
          ? " exports \"" + job.name + "\" as " + typeof fn + ", not a function"
          : " has no exported function \"" + job.name + "\" (its exported functions: " +
            (names.length ? names.join(", ") : "none") + ")"));
      }
      globalThis[JOB] = current;
      const value = await fn(...job.args);
      send({ t: "ok", id, value });
    } catch (error) {
      send({ t: "error", id, error: describe(error, 0) });
    } finally {
      if (globalThis[JOB] === current) globalThis[JOB] = undefined;
      current = null;
      closeUnopened(job.args);
    }
  }

  function onMessage(event) {
    const m = event.data;
    if (m.wake !== undefined) wake = m.wake;
    if (m.t === "job") run(m);
    else if (m.t === "abort" && current !== null && current.id === m.id) current.abort();
  }

  function init(data) {
    port = data.port;
    abortCell = data.abortCell;
    port.onmessage = onMessage;
  }

  if (typeof require === "function") {
    // Handled, these no longer end the thread by themselves: the pool terminates it on the crash reply.
    process.on("uncaughtException", die);
    process.on("unhandledRejection", die);
    process.on("exit", (code) => die("it exited with code " + code));
    init(require("node:worker_threads").workerData);
  } else {
    self.addEventListener("error", (event) => { event.preventDefault(); die(event.error || event.message); });
    self.addEventListener("unhandledrejection", (event) => { event.preventDefault(); die(event.reason); });
    const close = self.close.bind(self);
    self.close = () => { die("it closed itself"); close(); };
    self.onmessage = (event) => { self.onmessage = null; init(event.data); };
  }
})();
`;
}
