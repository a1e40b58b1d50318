/**
 * The pump that moves bytes from a pull-style host source (a
 * `ReadableStream` reader, `Deno.Conn.read`) into a StreamReader, under the
 * reader's flow control.
 *
 * It starts paused: only a waiting reader resumes it, so a source nobody
 * reads has no host read in flight. Once running it reads ahead until the
 * reader pauses it (more than 2 × limit buffered).
 *
 * @module
 */

import type { StreamReader } from "./stream_reader.ts";

/** @internal How a pump reads and stops its source. */
export interface _PumpSource {
  /** One chunk, or null at EOF. */
  read(): Promise<Uint8Array | null>;
  /** Stops the source for good (cancel the stream, close the socket). */
  cancel(reason: unknown): void;
  /** A host error as callers should see it; null when it only means the source was closed (read as EOF). */
  translate(error: unknown): unknown;
  /** Called once when the source ends, fails or is cancelled. */
  onEnd(): void;
}

/** @internal Feeds `reader` from `source` until EOF, an error, or `reader.cancel()`. */
export function _pumpInto(reader: StreamReader, source: _PumpSource): void {
  let running = false;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    source.onEnd();
  };
  const pump = async (): Promise<void> => {
    try {
      while (running && !ended) {
        const chunk = await source.read();
        if (ended) return;
        if (chunk === null) {
          reader._feedEof();
          return end();
        }
        reader._feedData(chunk);
      }
    } catch (error) {
      if (ended) return;
      const failure = source.translate(error);
      if (failure === null) reader._feedEof();
      else reader._setException(failure);
      end();
    }
  };
  reader._setSource({
    pause() {
      running = false;
    },
    resume() {
      if (running || ended) return;
      running = true;
      pump();
    },
    cancel(reason) {
      if (ended) return;
      end();
      source.cancel(reason);
    },
  }, true);
}
