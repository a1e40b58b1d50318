/**
 * Node-only child of `alloc_sites.ts`: runs `peers/async_tree_yieldio.ts`
 * (its command line: variant, flags) under V8's sampling heap profiler with
 * collected objects kept, so every allocation counts, garbage included; then
 * prints the bytes per allocation site as one JSON line after the tree's own
 * report.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { Session } from "node:inspector";
import process from "node:process";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result as T))
  );

const interval = Number(process.env.ALLOC_SAMPLING_INTERVAL ?? 64);
await post("HeapProfiler.enable");
await post("HeapProfiler.startSampling", {
  samplingInterval: interval,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await import("../peers/async_tree_yieldio.ts");
const { profile } = await post<{ profile: { head: SamplingNode } }>("HeapProfiler.stopSampling");

/**
 * The source file of a line of this bundle: esbuild heads each module's code
 * with a `// path/to/file.ts` comment, so the last such comment above a line
 * names its file (the bundle has no source map to read).
 */
const bundleText = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
const fileAtLine: string[] = [];
let current = "?";
for (const line of bundleText) {
  const marker = line.match(/^\/\/ ((?:bench|lib)\/\S+\.ts|mod\.ts)$/);
  if (marker !== null) current = marker[1];
  fileAtLine.push(current);
}
const where = (f: CallFrame) =>
  `${f.functionName || "(anonymous)"} ${
    f.url === import.meta.url ? fileAtLine[f.lineNumber] ?? "?" : f.url === "" ? "(builtin)" : f.url
  }`;

/** Bytes by site: the allocating function, then its caller. */
const sites: Record<string, number> = {};
const walk = (node: SamplingNode, caller: CallFrame | null) => {
  if (node.selfSize > 0) {
    const key = `${where(node.callFrame)} ← ${caller === null ? "(root)" : where(caller)}`;
    sites[key] = (sites[key] ?? 0) + node.selfSize;
  }
  for (const child of node.children) walk(child, node.callFrame);
};
walk(profile.head, null);
console.log(JSON.stringify({ sites }));
