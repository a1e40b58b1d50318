/**
 * Lint fixture (read by tests/deno/lint_plugin.test.ts, excluded from the
 * project's own lint): generator functions handed to APIs that call them and
 * drop the coroutine, so their bodies never run. Each one the rule must flag
 * is marked `// flagged: <rule>` on its line.
 */

import { type Coro, sleep } from "../../../mod.ts";

function* visit(url: string): Coro<void> {
  yield* sleep(10);
  console.log(url);
}

export function crawlAll(urls: string[], button: EventTarget): void {
  urls.forEach(function* (url) { // flagged: no-generator-callback
    yield* sleep(10);
    console.log(url);
  });
  urls.forEach(visit); // flagged: no-generator-callback
  setTimeout(function* () { // flagged: no-generator-callback
    yield* sleep(10);
  }, 100);
  button.addEventListener("click", function* () { // flagged: no-generator-callback
    yield* sleep(10);
  });
  Promise.resolve().then(function* () { // flagged: no-generator-callback
    yield* sleep(10);
  });
}
