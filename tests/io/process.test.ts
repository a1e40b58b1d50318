/**
 * createSubprocessExec and Process with real child processes, in Deno and in
 * Node (the bundled suite); registered only where the host has processes.
 * Cases named "(test_x)" port CPython's test_asyncio/test_subprocess.py to
 * the documented API. Real time: the children are the thing tested.
 */

import { assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import { CancelledError, createTask, getRunningLoop, run, sleep, TimeoutError, waitFor } from "../../mod.ts";
import { CommandNotFoundError, createSubprocessExec, createSubprocessShell } from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";
import { caught } from "../_support/caught.ts";
import { hasHostIo, text } from "./_helpers.ts";

function test(name: string, fn: () => Promise<void>): void {
  if (hasHostIo) Deno.test(name, fn);
}

test("(test_stdin_stdout) a line written to cat's stdin comes back on its stdout", async () => {
  const [line, code] = await run(function* () {
    const proc = yield* createSubprocessExec("cat", [], { stdin: "pipe", stdout: "pipe" });
    proc.stdin!.write("some data\n");
    yield* proc.stdin!.drain();
    const line = text(yield* proc.stdout!.readline());
    proc.stdin!.close();
    return [line, yield* proc.wait()];
  });
  assertEquals([line, code], ["some data\n", 0]);
});

test("(test_communicate) communicate(input) feeds stdin and collects stdout and stderr", async () => {
  const [out, err, code] = await run(function* () {
    const proc = yield* createSubprocessShell("cat; echo oops >&2; exit 3", {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = yield* proc.communicate("some data");
    return [text(out!), text(err!), proc.returncode];
  });
  assertEquals([out, err, code], ["some data", "oops\n", 3]);
});

test("(test_communicate_none_input) communicate() without input closes stdin; unpiped streams give null", async () => {
  const result = await run(function* () {
    const proc = yield* createSubprocessExec("cat", [], { stdin: "pipe", stdout: "pipe", stderr: "null" });
    const [out, err] = yield* proc.communicate();
    return [text(out!), err, proc.returncode];
  });
  assertEquals(result, ["", null, 0]);
});

test("(test_shell) the exit code of a shell command is the returncode", async () => {
  assertEquals(
    await run(function* () {
      const proc = yield* createSubprocessShell("exit 7");
      return yield* proc.wait();
    }),
    7,
  );
});

test("(test_kill) kill() ends the child with SIGKILL: returncode -9", async () => {
  const [before, after] = await run(function* () {
    const proc = yield* createSubprocessExec("sleep", ["10"]);
    const before = proc.returncode;
    proc.kill();
    return [before, yield* proc.wait()];
  });
  assertEquals([before, after], [null, -9]);
});

test("(test_terminate) terminate() ends the child with SIGTERM: returncode -15", async () => {
  assertEquals(
    await run(function* () {
      const proc = yield* createSubprocessExec("sleep", ["10"]);
      proc.terminate();
      return yield* proc.wait();
    }),
    -15,
  );
});

test("(test_send_signal) a signal sent to a child reaches its handler", async () => {
  const [ready, handled, code] = await run(function* () {
    const proc = yield* createSubprocessShell(
      'trap "echo got HUP; exit 3" HUP; echo ready; while :; do sleep 0.05; done',
      { stdout: "pipe" },
    );
    const ready = text(yield* proc.stdout!.readline());
    proc.sendSignal("SIGHUP");
    const handled = text(yield* proc.stdout!.readline());
    yield* proc.stdout!.read();
    return [ready, handled, yield* proc.wait()];
  });
  assertEquals([ready, handled, code], ["ready\n", "got HUP\n", 3]);
});

test("(test_stdin_broken_pipe, test_communicate_ignore_broken_pipe) a child that ignores its input is not an error", async () => {
  const code = await run(function* () {
    const proc = yield* createSubprocessExec("true", [], { stdin: "pipe" });
    yield* proc.communicate(new Uint8Array(4 * 1024 * 1024));
    return proc.returncode;
  });
  assertEquals(code, 0);
});

test("(test_read_stdout_after_process_exit) output stays readable after the child exited", async () => {
  const out = await run(function* () {
    const proc = yield* createSubprocessShell("echo one; echo two", { stdout: "pipe" });
    yield* proc.wait();
    return [text(yield* proc.stdout!.readline()), text(yield* proc.stdout!.read())];
  });
  assertEquals(out, ["one\n", "two\n"]);
});

test('(test_devnull_input) stdin "null" gives the child EOF at once', async () => {
  const out = await run(function* () {
    const proc = yield* createSubprocessExec("cat", [], { stdin: "null", stdout: "pipe" });
    const [out] = yield* proc.communicate();
    return [out!.length, proc.returncode];
  });
  assertEquals(out, [0, 0]);
});

test("cwd and env reach the child; env replaces the whole environment", async () => {
  const out = await run(function* () {
    const proc = yield* createSubprocessExec("/bin/sh", ["-c", 'echo "$FOO|$HOME|$(pwd)"'], {
      stdout: "pipe",
      cwd: "/tmp",
      env: { FOO: "bar" },
    });
    const [out] = yield* proc.communicate();
    return text(out!);
  });
  assertEquals(out, "bar||/tmp\n");
});

test("(test_cancel_process_wait) cancelling wait() leaves the child running; it can be waited again and killed", async () => {
  const [error, running, open, code, left] = await run(function* () {
    const loop = getRunningLoop();
    const proc = yield* createSubprocessExec("sleep", ["10"]);
    const error = yield* caught(waitFor(proc.wait(), 20));
    const running = proc.returncode === null;
    const open = _openResources(loop).map(String);
    proc.kill();
    return [error, running, open, yield* proc.wait(), _openResources(loop)];
  });
  assertInstanceOf(error, TimeoutError);
  assertEquals(running, true);
  assertEquals(open.length, 1);
  assertStringIncludes(open[0], '"sleep" running>');
  assertEquals([code, left], [-9, []]);
});

test("(test_cancel_communicate) cancelling communicate() leaves the child running and its output unread", async () => {
  const [cancelled, running, rest] = await run(function* () {
    const proc = yield* createSubprocessShell("echo first; sleep 10", { stdin: "pipe", stdout: "pipe" });
    const task = createTask(proc.communicate());
    yield* sleep(20);
    task.cancel();
    const cancelled = (yield* caught(task)) instanceof CancelledError;
    const running = proc.returncode === null;
    proc.kill();
    yield* proc.wait();
    return [cancelled, running, text(yield* proc.stdout!.read())];
  });
  assertEquals([cancelled, running, rest], [true, true, "first\n"]);
});

test("a command that does not exist is a CommandNotFoundError naming it", async () => {
  const error = await run(function* () {
    return yield* caught(createSubprocessExec("yieldio-no-such-command", ["x"]));
  });
  assertInstanceOf(error, CommandNotFoundError);
  assertEquals(error.command, "yieldio-no-such-command");
});

test("bad arguments and unknown signals are TypeError and RangeError naming the value", async () => {
  const errors = await run(function* () {
    const out = [
      yield* caught(createSubprocessExec("", [])),
      yield* caught(createSubprocessExec("echo", "hi" as unknown as string[])),
      yield* caught(createSubprocessExec("echo", [], { stdout: "piped" as "pipe" })),
    ];
    const proc = yield* createSubprocessExec("sleep", ["10"], { stdin: "null" });
    for (const bad of ["SIGFOO", 99, null]) {
      try {
        proc.sendSignal(bad as "SIGTERM");
      } catch (e) {
        out.push(e);
      }
    }
    out.push(yield* caught(proc.communicate("input")));
    proc.kill();
    yield* proc.wait();
    proc.terminate(); // after exit: nothing
    return out.map((e) => `${(e as Error).name}: ${(e as Error).message.replace(/ \(SIGHUP[^)]*\)/, " (...)")}`);
  });
  assertEquals(errors, [
    'TypeError: createSubprocessExec expects a command name or path, got "" (a string)',
    'TypeError: createSubprocessExec expects an array of string arguments, got "hi" (a string)',
    'TypeError: stdout must be "pipe", "inherit" or "null", got "piped" (a string)',
    'RangeError: sendSignal expects a known signal (...), got "SIGFOO" (a string)',
    "RangeError: sendSignal expects a known signal (...), got 99 (a number)",
    "TypeError: sendSignal expects a signal name or number, got null",
    'TypeError: communicate(input) needs stdin: "pipe"; this process\'s stdin is not a pipe',
  ]);
});
