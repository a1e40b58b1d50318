/**
 * A stuck program explaining itself — the README's "Debugging a stuck
 * program" section prints this file's output.
 *
 * A producer and a consumer hand work over through a bounded queue, each
 * holding a lock the other needs: a classic lock-order deadlock. On virtual
 * time yieldio notices that nothing can ever run again and raises
 * `DeadlockError`, whose message is the task tree. Before that, a watchdog
 * prints the tree and the task table while the program is merely slow.
 *
 *     deno run examples/stuck.ts
 *
 * @module
 */

import {
  currentTask,
  DeadlockError,
  formatTaskTable,
  formatTaskTree,
  Lock,
  Queue,
  run,
  sleep,
  taskGroup,
} from "../mod.ts";

// Locks are numbered as they are first used: `accounts` is Lock#1, `ledger` Lock#2.
const accounts = new Lock(), ledger = new Lock();
const jobs = new Queue<number>(1);

function* producer() {
  yield* accounts.hold(function* () {
    yield* jobs.put(1);
    yield* sleep(50); // some work while holding `accounts`
    yield* ledger.hold(function* () {}); // ...then needs `ledger` too
  });
}

function* consumer() {
  yield* ledger.hold(function* () {
    yield* jobs.get();
    yield* sleep(20);
    yield* accounts.hold(function* () {}); // the other order: deadlock
  });
}

function* watchdog() {
  yield* sleep(30); // a moment in: both are still working
  console.log(`t=30, the task tree:\n${formatTaskTree()}\n`);
  console.log(`t=30, the task table:\n${formatTaskTable()}\n`);
}

try {
  await run(function* () {
    currentTask()!.setName("main");
    yield* taskGroup(function* (tg) {
      tg.createTask(producer(), { name: "producer" });
      tg.createTask(consumer(), { name: "consumer" });
      tg.createTask(watchdog(), { name: "watchdog" });
    });
  }, { clock: "virtual" });
} catch (error) {
  if (!(error instanceof DeadlockError)) throw error;
  console.log(`run() raised ${error.name}: ${error.message}`);
}
