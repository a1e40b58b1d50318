/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof` or
 * `node --cpu-prof`): the top functions by self time, with the share spent in
 * the garbage collector and idle. Used to explain a missed target instead of
 * guessing.
 *
 * usage: deno run -R bench/tools/cpuprofile_top.ts <file.cpuprofile> [top=25] [from-ms=0]
 *
 * `from-ms` drops the samples of the profile's first milliseconds (start-up
 * and JIT warm-up), so a warm window can be read alone.
 *
 * @module
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, fromArg] = Deno.args;
if (file === undefined) {
  console.error("usage: cpuprofile_top.ts <file.cpuprofile> [top=25] [from-ms=0]");
  Deno.exit(2);
}
const profile: CpuProfile = JSON.parse(Deno.readTextFileSync(file));
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let totalUs = 0, elapsedUs = 0;
const fromUs = Number(fromArg ?? 0) * 1000;
for (let i = 0; i < profile.samples.length; i++) {
  // timeDeltas[i] is the time since the previous sample; it belongs to sample i.
  const dt = profile.timeDeltas[i] ?? 0;
  elapsedUs += dt;
  if (elapsedUs < fromUs) continue;
  const frame = (nodeById.get(profile.samples[i]) as ProfileNode).callFrame;
  const where = frame.url === ""
    ? ""
    : ` ${frame.url.replace(/^.*\/(bench|lib|peers)\//, "$1/")}:${frame.lineNumber + 1}`;
  const key = `${frame.functionName || "(anonymous)"}${where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  totalUs += dt;
}
const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`total ${(totalUs / 1000).toFixed(0)} ms sampled`);
for (const [key, us] of rows) {
  console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${(100 * us / totalUs).toFixed(1).padStart(5)} %  ${key}`);
}
