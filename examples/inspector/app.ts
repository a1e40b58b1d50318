/**
 * The inspector example page's script (bundled to `app.js` by `bundle.ts`).
 *
 * - Default: the seed's program on virtual time, driven by the inspector —
 *   Step, Play, Pause. `?tasks=N` sets the number of tasks (default 12),
 *   `?steps=N` runs N iterations before showing it (paused).
 * - `?demo=live`: the seed demo itself (`../seed_demo.ts`, 1000 tasks on the
 *   real clock), watched live while it runs.
 *
 * @module
 */

import { seedDemo } from "../seed_demo.ts";
import { attachInspector } from "../../lib/inspector/mod.ts";
import { seedOnVirtualTime } from "./seed_virtual.ts";

/** The page bits used here, typed without the DOM library (Deno type-checks examples with its own globals). */
const page = globalThis as unknown as {
  location: { search: string };
  document: { getElementById(id: string): { textContent: string } };
  addEventListener(type: "pagehide", listener: () => void): void;
};
const params = new URLSearchParams(page.location.search);
const status = page.document.getElementById("status");

if (params.get("demo") === "live") {
  status.textContent = "The seed demo, live: 1000 tasks on the real clock.";
  const outcome = await seedDemo({
    tasks: 1000,
    onStart: (loop) => {
      const inspector = attachInspector(loop, { title: "seed demo (live)", intervalMs: 100 });
      // The inspector watches until the demo ends; the last view stays on the page.
      page.addEventListener("pagehide", () => inspector.close());
    },
  });
  status.textContent = `${outcome.tasks} tasks finished in ${(outcome.elapsedMs / 1000).toFixed(2)} s.`;
} else {
  const tasks = Number(params.get("tasks") ?? 12);
  const steps = Number(params.get("steps") ?? 0);
  const { loop } = seedOnVirtualTime(tasks);
  // Attached first, so the steps below are counted in its table.
  const inspector = attachInspector(loop, { title: `seed demo on virtual time (${tasks} tasks)`, drive: true });
  for (let i = 0; i < steps; i++) inspector.step();
  status.textContent = `Stepped ${steps} iteration(s). Step, or Play to run it at 20 iterations per second.`;
}
(globalThis as { inspectorReady?: boolean }).inspectorReady = true;
