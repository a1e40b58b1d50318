/**
 * The transport under a channel end: one `MessagePort`, plus what the other
 * end announced about how it can be reached.
 *
 * How an end receives depends on its loop, fixed when the end is opened:
 * - **host**: the loop returns to its host, so port messages arrive as events;
 * - **drain** (Node, Deno, blocking loop): the loop's inbox reads the port
 *   synchronously (`receiveMessageOnPort`) after a wake-up;
 * - **mailbox** (browser worker, blocking loop): no synchronous port read
 *   exists, so the other end writes encoded messages into a shared-memory
 *   mailbox this end owns (`_mailbox.ts`).
 *
 * Each end opens with a hello — its wake handle and mailbox, if any — posted
 * on the port, or written into the peer's mailbox once it knows of one (and
 * posted again that way if it had to guess first). Until an end has heard its
 * peer's hello it keeps what it sends in an outbox, since it cannot know
 * whether the peer reads its port. Every delivery to a blocking peer is
 * followed by a bump of the peer loop's wake-up counter.
 *
 * @module
 */

import type { WakeHandle } from "../loop/idle/adapter.ts";
import { decode, encode } from "./_codec.ts";
import { Mailbox } from "./_mailbox.ts";

/** What travels between two ends. */
export type Wire =
  | { t: "hello"; wake: WakeHandle | null; mailbox: SharedArrayBuffer | null }
  | { t: "data"; v: unknown }
  | { t: "close" }
  | { t: "space" };

/** How an end receives; see the module doc. */
export type Mode = "host" | "drain" | "mailbox";

/** The capacity of a mailbox, in bytes (a power of two). */
export const MAILBOX_BYTES = 1_048_576; // 1 MiB, written out: a bundler keeps `1 << 20` as a possible side effect

/** The sending half of an end, and its own mailbox in mailbox mode. */
export class Link {
  readonly port: MessagePort;
  /** This end's mailbox (mailbox mode), which the peer writes into. */
  readonly inbox: Mailbox | null;
  #wake: WakeHandle | null;
  #peer: { wake: WakeHandle | null; mailbox: Mailbox | null } | null = null;
  #outbox: Wire[] = [];
  #helloPosted = false;
  /** Invariant: once true, the port closes as soon as the outbox is empty. */
  #closing = false;

  constructor(port: MessagePort, mode: Mode, wake: WakeHandle | null) {
    this.port = port;
    this.inbox = mode === "mailbox" ? new Mailbox(MAILBOX_BYTES) : null;
    this.#wake = wake;
  }

  /** Announces this end; call once, when it is opened. */
  hello(): void {
    this.#deliver({ t: "hello", wake: this.#wake, mailbox: this.inbox?.buffer ?? null }, true);
  }

  /**
   * Sends one message, or keeps it until the peer can take it.
   * @throws {TypeError} When the value cannot be sent (checked now, as a copy now).
   */
  send(message: Wire): void {
    if (this.#peer === null || this.#outbox.length > 0) {
      this.#outbox.push(message.t === "data" ? { t: "data", v: checkedCopy(message.v) } : message);
      if (this.#peer !== null) this.flush();
      return;
    }
    if (!this.#deliver(message, false)) this.#outbox.push(message);
  }

  /** Handles the peer's hello; returns whether it was the first. */
  heard(hello: Extract<Wire, { t: "hello" }>): boolean {
    const first = this.#peer === null;
    this.#peer = { wake: hello.wake, mailbox: hello.mailbox === null ? null : new Mailbox(hello.mailbox) };
    // The peer reads only its mailbox: a hello we posted on the port never reaches it.
    if (this.#peer.mailbox !== null && this.#helloPosted) {
      this.#helloPosted = false;
      this.hello();
    } else if (first) {
      // Our hello may sit unread in the port of a peer that blocks: it drains
      // only when woken. (Both ends cannot miss each other: each drains right
      // after posting its own hello, so the later of the two finds the other's.)
      this.#bump();
    }
    this.flush();
    return first;
  }

  /** Delivers what the outbox holds, in order, while the peer can take it. */
  flush(): void {
    let sent = 0;
    while (sent < this.#outbox.length && this.#deliver(this.#outbox[sent], false)) sent++;
    if (sent > 0) this.#outbox = this.#outbox.slice(sent);
    if (this.#closing && this.#outbox.length === 0) this.port.close();
  }

  /**
   * Closes the port once everything sent was delivered (at once, with `now`,
   * when the loop closes): what was posted before still arrives.
   * @returns Whether the port is closed now.
   */
  close(now: boolean): boolean {
    this.#closing = true;
    if (now) this.#outbox = [];
    this.flush();
    return this.#outbox.length === 0;
  }

  /** Reads this end's mailbox (mailbox mode); tells a waiting peer that space is free. */
  readMailbox(): Wire[] {
    const inbox = this.inbox as Mailbox;
    const messages = inbox.readAll().map((bytes) => decode(bytes) as Wire);
    if (inbox.spaceWanted()) this.#post({ t: "space" });
    return messages;
  }

  /** @returns false when the peer's mailbox is full (asked to report space). */
  #deliver(message: Wire, isHello: boolean): boolean {
    const peer = this.#peer;
    if (peer?.mailbox) {
      const bytes = encode(message);
      if (bytes.length > peer.mailbox.maxRecord) {
        throw new RangeError(
          `a message of ${bytes.length} bytes does not fit a blocked worker's mailbox (${peer.mailbox.maxRecord} at most)`,
        );
      }
      if (!peer.mailbox.write(bytes)) {
        peer.mailbox.wantSpace();
        if (!peer.mailbox.write(bytes)) return false; // freed in between: otherwise "space" will come
      }
    } else {
      this.#post(message);
      if (isHello) this.#helloPosted = true;
    }
    this.#bump();
    return true;
  }

  /** Wakes the peer's loop if it blocks (its inbox then drains). */
  #bump(): void {
    const wake = this.#peer?.wake;
    if (wake) {
      Atomics.add(wake.cell, wake.index, 1);
      Atomics.notify(wake.cell, wake.index);
    }
  }

  #post(message: Wire): void {
    try {
      this.port.postMessage(message);
    } catch (error) {
      throw cannotSend(error);
    }
  }
}

function checkedCopy(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch (error) {
    throw cannotSend(error);
  }
}

function cannotSend(error: unknown): TypeError {
  return new TypeError(
    `this value cannot be sent to another thread (it must be structured-cloneable): ${
      error instanceof Error ? error.message : String(error)
    }`,
    { cause: error },
  );
}
