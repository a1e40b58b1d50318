/**
 * Channel: a queue between two loops on different threads — the main
 * thread's and a worker's, say — one end on each, usable from coroutines
 * like a `Queue` (`put`, `get`, `putNowait`, `getNowait`), unbounded.
 *
 * `Channel.pair()` makes two ends (plain data around a `MessagePort`); keep
 * one, pass the other to a worker (as a top-level `toThread` argument, which
 * transfers its port), and open each with `new Channel(end)` on its thread's
 * running loop. Either loop may be host-driven (`run`) or blocking
 * (`runSync`): a blocked loop is woken by the other thread through its wake
 * handle, with no polling (`_link.ts` has the protocol).
 *
 * Closing an end (or its loop) closes the channel: the other end's `get()`
 * raises `QueueShutDown` once it has taken what was already sent. So does a
 * job that settles without opening the end it was given (its worker closes
 * it), and, on a host-driven loop where the host reports it (Node; Deno
 * 2.x and browsers do not), a peer whose thread ended (its port's `close` event).
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue, uninspectable } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { CannotBlockError, InvalidStateError, QueueEmpty, QueueShutDown } from "../errors.ts";
import type { InboxSource } from "../loop/inbox.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import { Waiters } from "../task/waiters.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { canShareMemory, checkWakeable, readPortNow, setRef, syncReceiver } from "./_host.ts";
import { Link, type Mode, type Wire } from "./_link.ts";
import { CHANNEL_END_KIND, isOpened, markOpened } from "./_transfer.ts";

declare const TYPES: unique symbol;

/** One end of a channel, not yet opened: plain data to keep or send to a worker. */
export interface ChannelEnd<S, R> {
  /** Marks the object as a channel end, even in a copy of yieldio bundled elsewhere (plain data, no class). */
  readonly kind: "yieldio.channel-end";
  /** The end's half of a `MessageChannel`; sending the end to a worker transfers it. */
  readonly port: MessagePort;
  /**
   * Types only: what this end sends and receives, so ends of different types
   * do not mix. Never present at run time, and `@ignore`d: nothing to read in
   * the reference, while the npm declarations keep it (a tag for internal
   * members would make tsc's `stripInternal` drop it).
   *
   * @ignore
   */
  readonly [TYPES]?: [S, R];
}

/**
 * One opened end of a channel between two threads. `S` is what this end
 * sends, `R` what it receives.
 *
 * If the job given the other end fails before opening it, the worker closes
 * that end, and `get()` here raises `QueueShutDown`. A peer whose worker is
 * terminated while its loop blocks cannot say so: where that can happen, wait
 * for the job too (for instance in a `taskGroup`) rather than on `get()` alone.
 * A loop must keep its driver (`run` or `runSync`) while its ends are open: an
 * end learns at opening how the other thread reaches it.
 *
 * @example Two ends, one per loop (here both on this thread, to keep it self-contained)
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { Channel } from "yieldio/threads";
 * const got = await run(function* () {
 *   const [mine, theirs] = Channel.pair<string, number>(); // mine sends strings, receives numbers
 *   const here = new Channel(mine), there = new Channel(theirs);
 *   here.putNowait("ping");
 *   const heard = yield* there.get();
 *   there.putNowait(heard.length);
 *   return yield* here.get();
 * });
 * assertEquals(got, 4);
 * ```
 *
 * @example A worker's blocking loop serving the main thread's loop (needs files and read access)
 * ```ts ignore
 * // echo.ts, the worker's module
 * import { runSync } from "yieldio";
 * import { Channel, type ChannelEnd } from "yieldio/threads";
 * export function echo(end: ChannelEnd<number, number>): string {
 *   return runSync(function* () {
 *     const channel = new Channel(end); // sleeps in Atomics.wait until the main thread sends
 *     for (let n = yield* channel.get(); n !== 0; n = yield* channel.get()) channel.putNowait(n * 10);
 *     return "done";
 *   });
 * }
 *
 * // main.ts
 * import { run } from "yieldio";
 * import { Channel, toThread, workerFunction } from "yieldio/threads";
 * const echo = workerFunction<typeof import("./echo.ts").echo>(new URL("./echo.ts", import.meta.url), "echo");
 * await run(function* () {
 *   const [mine, theirs] = Channel.pair<number, number>();
 *   const job = toThread(echo, theirs); // the end's port is transferred to the worker
 *   const channel = new Channel(mine);
 *   channel.putNowait(4);
 *   console.log(yield* channel.get()); // 40
 *   channel.putNowait(0);
 *   console.log(yield* job); // "done"
 * });
 * ```
 */
export class Channel<S, R> extends PrintsAsToString {
  #loop: EventLoop;
  #link: Link;
  #mode: Mode;
  #items: R[] = [];
  #head = 0;
  /** The `get()` calls waiting for an item; a woken one cancelled before it resumed passes the wake-up on. */
  #getters: Waiters = new Waiters(this, "get()", () => {
    if (this.#head < this.#items.length) this.#getters.wakeOne();
  });
  /** `get()` calls in progress: while any is, the loop is owed a wake-up (see `#keepAlive`). */
  #gets = 0;
  #closedHere = false;
  #closedThere = false;
  #waiting = false;
  #source: InboxSource;

  /**
   * Makes the two ends of a new channel.
   *
   * @returns `[a, b]`: what `a` sends, `b` receives, and the other way round.
   */
  static pair<A, B>(): [ChannelEnd<A, B>, ChannelEnd<B, A>] {
    const { port1, port2 } = new MessageChannel();
    return [{ kind: CHANNEL_END_KIND, port: port1 }, { kind: CHANNEL_END_KIND, port: port2 }];
  }

  /**
   * Opens `end` on the running loop; it closes when that loop closes.
   *
   * @param end An end from {@linkcode Channel.pair}, here or received from another thread.
   * @throws {TypeError} When `end` is not a channel end.
   * @throws {InvalidStateError} When `end` is already open on this thread
   *   (each end opens once), when no loop is running, or it blocks on an
   *   idle adapter without `wakeHandle()` (the other thread could never wake it).
   * @throws {CannotBlockError} In a blocking loop in a browser without shared memory (no cross-origin isolation).
   */
  constructor(end: ChannelEnd<S, R>) {
    super();
    let isEnd: boolean;
    try {
      isEnd = (end as { kind?: unknown } | null)?.kind === CHANNEL_END_KIND && isInstance(end.port, MessagePort);
    } catch (error) {
      throw uninspectable("new Channel()", "an end from Channel.pair()", end, error);
    }
    if (!isEnd) throw new TypeError(`new Channel() expects an end from Channel.pair(), got ${describeValue(end)}`);
    if (isOpened(end.port)) {
      // A second Channel on one port would take messages meant for the first, whose get() then waits forever.
      throw new InvalidStateError(
        "new Channel() got an end that is already open on this thread: open each end once, and share the Channel",
      );
    }
    const loop = this.#loop = _getRunningLoop("new Channel()");
    this.#mode = !loop._isBlocking() ? "host" : syncReceiver() !== null ? "drain" : "mailbox";
    if (this.#mode === "mailbox" && !canShareMemory()) {
      throw new CannotBlockError(
        "a loop blocked in runSync() in a browser is reachable only through shared memory, which this page " +
          "lacks (it is not cross-origin isolated): drive this worker's loop with run() instead",
      );
    }
    checkWakeable(loop, "the other end could never wake it");
    markOpened(end.port);
    this.#link = new Link(end.port, this.#mode, loop._wakeHandle());
    this.#source = { drain: () => this.#drain(), close: () => this.#shutDown(false) };
    loop._addSource(this.#source);
    if (this.#mode === "host") {
      end.port.onmessage = (event: MessageEvent) => {
        if (!loop.isClosed()) loop.callSoonThreadsafe(this.#receive, event.data as Wire);
      };
      setRef(end.port, false); // only a waiting get() keeps the process alive
      // Fired on both ends when either closes (Node: also when its thread ends), after what was sent before.
      end.port.addEventListener("close", () => {
        if (!loop.isClosed()) loop.callSoonThreadsafe(this.#receive, { t: "close" });
      });
    }
    this.#link.hello();
  }

  /**
   * Sends `value` to the other end; never waits (the channel is unbounded).
   *
   * @param value A structured-cloneable value.
   * @throws {QueueShutDown} When the channel is closed.
   * @throws {TypeError} When the value cannot be sent.
   */
  putNowait(value: S): void {
    if (this.#closedHere || this.#closedThere) throw new QueueShutDown("put on a closed channel");
    this.#link.send({ t: "data", v: value });
  }

  /**
   * {@linkcode putNowait} as a coroutine, for code written against `Queue`.
   *
   * @param value A structured-cloneable value.
   * @returns A coroutine that sends it.
   */
  // deno-lint-ignore require-yield -- never waits: the channel is unbounded
  *put(value: S): Coro<void> {
    this.putNowait(value);
  }

  /**
   * Waits for the next value from the other end.
   *
   * @returns A coroutine of the value.
   * @throws {QueueShutDown} Once the channel is closed and everything sent was taken.
   */
  *get(): Coro<R> {
    while (this.#head === this.#items.length) {
      if (this.#closedHere || this.#closedThere) throw new QueueShutDown("the channel is closed");
      this.#gets++;
      this.#keepAlive();
      try {
        yield* this.#getters.wait();
      } finally {
        this.#gets--;
        this.#keepAlive();
      }
    }
    return this.getNowait();
  }

  /**
   * Takes the next value without waiting (like `Queue.getNowait()`).
   *
   * @returns The next value, if one has arrived.
   * @throws {QueueEmpty} When none has (and the channel is open).
   * @throws {QueueShutDown} When none has and the channel is closed.
   */
  getNowait(): R {
    if (this.#head === this.#items.length) {
      if (this.#closedHere || this.#closedThere) throw new QueueShutDown("the channel is closed");
      throw new QueueEmpty("no value has arrived on this channel");
    }
    const value = this.#items[this.#head++];
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
    return value;
  }

  /**
   * Like `Queue.qsize()`, for what this end receives.
   * @returns How many values have arrived and not been taken.
   */
  qsize(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Like `Queue.empty()`: when true, `getNowait()` throws.
   * @returns Whether no value is waiting to be taken.
   */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /**
   * Whether the channel is closed: then `putNowait()` and `put()` raise
   * `QueueShutDown`, and `get()` does once what arrived is taken.
   * @returns Whether either end was closed.
   */
  isClosed(): boolean {
    return this.#closedHere || this.#closedThere;
  }

  /** Closes the channel for both ends; waiting `get()` calls raise `QueueShutDown`. Idempotent. */
  close(): void {
    this.#shutDown(true);
  }

  /** @internal The kind its waits are labelled with (`Channel#1`). */
  _waitKind(): string {
    return "Channel";
  }

  /**
   * Describes the channel end for messages and `console.log`.
   * @returns A description like `<Channel open mode=host items=0 getters=1>`.
   */
  override toString(): string {
    return `<Channel ${
      this.isClosed() ? "closed" : "open"
    } mode=${this.#mode} items=${this.qsize()} getters=${this.#getters.size}>`;
  }

  #shutDown(loopOpen: boolean): void {
    const open = loopOpen && !this.#loop.isClosed();
    if (!this.#closedHere) {
      this.#closedHere = true;
      try {
        this.#link.send({ t: "close" });
      } catch {
        // The other end is gone.
      }
      if (open) this.#getters.wakeAll();
    }
    // Until the peer has said hello, what was sent waits in the outbox: keep listening for it.
    if (this.#link.close(!open)) {
      if (open) this.#loop._addSource(this.#source, false);
      this.#link.port.onmessage = null;
    }
  }

  /** The blocking driver's inbox: reads what arrived without a host event. */
  #drain(): void {
    if (this.#mode === "host") return;
    const messages = this.#mode === "mailbox" ? this.#link.readMailbox() : readPortNow(this.#link.port) as Wire[];
    for (const message of messages) this.#loop.callSoonThreadsafe(this.#receive, message);
  }

  #receive = (message: Wire): void => {
    if (this.#loop.isClosed()) return;
    switch (message.t) {
      case "hello":
        this.#link.heard(message);
        break;
      case "data":
        if (this.#closedHere) return;
        this.#items.push(message.v as R);
        this.#getters.wakeOne();
        break;
      case "close":
        this.#closedThere = true;
        this.#getters.wakeAll();
        break;
      case "space":
        this.#link.flush();
        break;
    }
  };

  /** While a get() waits: the loop owes a wake-up (`ref`), and Node/Deno stay alive for the port. */
  #keepAlive(): void {
    const waiting = this.#gets > 0;
    if (waiting === this.#waiting) return;
    this.#waiting = waiting;
    if (waiting) this.#loop.ref();
    else this.#loop.unref();
    if (this.#mode === "host") setRef(this.#link.port, waiting);
  }
}
