// Size figure (a): the smallest useful program, the one the before-stop hook
// measures — run, createTask and sleep. What a page pays for hello world.
import { createTask, run, sleep } from "../../../mod.ts";

await run(function* () {
  return yield* createTask(sleep(1, 1));
});
