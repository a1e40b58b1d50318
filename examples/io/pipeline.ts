/**
 * A subprocess pipeline, `printf ... | sort | uniq -c`, with yieldio moving
 * the bytes: each stage is a child process with piped stdin/stdout, and a
 * task per joint copies one child's stdout into the next one's stdin with
 * backpressure (`drain()`), then closes it so the next child sees EOF. The
 * last stage's lines are read as they come, and every exit code is checked.
 *
 * Run it: `deno run -A examples/io/pipeline.ts`.
 *
 * @module
 */

import { type Coro, createTask, gather, run } from "../../mod.ts";
import { createSubprocessExec, type StreamReader, type StreamWriter } from "../../lib/io/mod.ts";

/** Copies `from` into `to` until EOF, then closes `to`. */
function* pipe(from: StreamReader, to: StreamWriter): Coro<number> {
  let bytes = 0;
  for (let chunk = yield* from.read(64 * 1024); chunk.length > 0; chunk = yield* from.read(64 * 1024)) {
    to.write(chunk);
    yield* to.drain();
    bytes += chunk.length;
  }
  to.close();
  yield* to.waitClosed();
  return bytes;
}

await run(function* () {
  const words = "pear\napple\nfig\napple\npear\napple\n";
  const source = yield* createSubprocessExec("printf", [words], { stdout: "pipe" });
  const sort = yield* createSubprocessExec("sort", [], { stdin: "pipe", stdout: "pipe" });
  const count = yield* createSubprocessExec("uniq", ["-c"], { stdin: "pipe", stdout: "pipe" });
  const joints = [createTask(pipe(source.stdout!, sort.stdin!)), createTask(pipe(sort.stdout!, count.stdin!))];

  const decoder = new TextDecoder();
  for (let line = yield* count.stdout!.readline(); line.length > 0; line = yield* count.stdout!.readline()) {
    const [n, word] = decoder.decode(line).trim().split(/\s+/);
    console.log(`${word}: ${n}`);
  }
  const copied = yield* gather(joints);
  const codes = yield* gather([source.wait(), sort.wait(), count.wait()]);
  console.log(`copied ${copied.join(" + ")} bytes between stages; exit codes ${codes.join(", ")}`);
});
