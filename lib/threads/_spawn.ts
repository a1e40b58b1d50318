/**
 * One interface over the hosts' workers: `worker_threads.Worker` where the
 * host has it (Node, and Deno through its Node compatibility), else the web
 * `Worker` (browsers). Deno's web `Worker` would do, but its `terminate()`
 * leaves the process running while the worker is stuck in synchronous code
 * (Deno 2.9.6), and a pool must be able to stop a job that never yields; its
 * `worker_threads` terminate stops it, and `unref()` lets an idle worker
 * not hold the process open. Each worker
 * runs the bootstrap (`worker_main.ts`) and talks to its pool through a
 * dedicated `MessageChannel`: a port, unlike a `Worker` object, can be read
 * synchronously (`receiveMessageOnPort`) by a loop that blocks its thread.
 *
 * @module
 */

import { hasWebWorker, nodeWorkerThreads, setRef } from "./_host.ts";
import { workerMain } from "./worker_main.ts";

/** A started worker, seen from the thread that owns it. */
export interface ThreadWorker {
  /** The pool's end of the worker's channel. */
  readonly port: MessagePort;
  /** Whether this worker keeps Node or Deno alive (where the host can say; a Deno web Worker always does). */
  keepAlive(on: boolean): void;
  /** Stops the thread at once and closes the port. Idempotent. */
  terminate(): void;
}

let blobUrl: string | null = null;

/** The bootstrap as a Blob URL, made once: a worker needs no file of its own. */
function bootstrapUrl(): string {
  return blobUrl ??= URL.createObjectURL(new Blob([workerMain()], { type: "text/javascript" }));
}

/**
 * Starts a worker.
 *
 * @param name Shown in debuggers and host error messages.
 * @param abortCell Shared cell through which a synchronous job sees its cancellation, or null.
 * @param onCrash Called once if the host reports the worker dead (`error`, `exit`); the
 *   worker usually says so first, on its port (`worker_main.ts`).
 * @throws {TypeError} Where this host cannot start workers.
 */
export function spawnWorker(
  name: string,
  abortCell: Int32Array | null,
  onCrash: (error: Error) => void,
): ThreadWorker {
  const channel = new MessageChannel();
  const init = { port: channel.port2, abortCell };
  let terminated = false;
  const crash = (error: Error) => {
    if (!terminated) onCrash(error);
  };
  const threads = nodeWorkerThreads();
  if (threads === null && hasWebWorker()) {
    const worker = new Worker(bootstrapUrl(), { type: "module", name });
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // the pool reports it, as the job's error
      crash(crashError(name, event.error ?? event.message));
    };
    worker.postMessage(init, [channel.port2]);
    return worker_(channel.port1, () => worker.terminate(), () => {}, () => terminated = true);
  }
  if (threads === null) {
    throw new TypeError("toThread() needs workers: this host has neither Worker nor node:worker_threads");
  }
  const worker = new threads.Worker(workerMain(), { eval: true, workerData: init, transferList: [init.port], name });
  worker.on("error", (error) => crash(crashError(name, error)));
  worker.on("exit", (code) => crash(crashError(name, `it exited with code ${code}`)));
  return worker_(
    channel.port1,
    // A worker that is already gone may reject here; nothing is left to stop.
    () => void worker.terminate().catch(() => {}),
    (on) => setRef(worker, on),
    () => terminated = true,
  );
}

function worker_(
  port: MessagePort,
  stop: () => void,
  ref: (on: boolean) => void,
  markTerminated: () => void,
): ThreadWorker {
  let done = false;
  return {
    port,
    keepAlive(on) {
      if (done) return;
      ref(on);
      setRef(port, on);
    },
    terminate() {
      if (done) return;
      done = true;
      markTerminated();
      port.onmessage = null;
      port.close();
      stop();
    },
  };
}

/** @returns The error a job gets when worker `name` dies under it. */
export function crashError(name: string, cause: unknown): Error {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new Error(`the worker ${name} died: ${detail}`, { cause });
}
