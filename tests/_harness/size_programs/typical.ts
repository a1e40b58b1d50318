// Size figure (b): a typical program — workers in a task group feed a
// bounded queue, a lock guards a shared total, and gather, waitFor and
// timeout bound the waiting. What most pages pay.
import { gather, Lock, Queue, run, sleep, taskGroup, timeout, waitFor } from "../../../mod.ts";

const queue = new Queue<number>(4);
const lock = new Lock();
let total = 0;

function* produce(count: number) {
  for (let i = 1; i <= count; i++) yield* queue.put(i);
  queue.shutdown();
}

function* consume() {
  yield* queue.forEach((item) =>
    lock.hold(function* () {
      total += item;
      yield* sleep(1);
    })
  );
}

const report = await run(function* () {
  yield* taskGroup(function* (tg) {
    tg.createTask(produce(10));
    tg.createTask(consume());
    tg.createTask(consume());
  });
  const [first, second] = yield* gather([sleep(5, "a"), sleep(10, "b")]);
  const late = yield* waitFor(sleep(1, "in time"), 100);
  const cut = yield* timeout(20, function* () {
    yield* sleep(10);
    return "done";
  });
  return { total, first, second, late, cut };
});
console.log(report);
