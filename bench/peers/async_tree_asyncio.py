"""async_tree, CPython asyncio: pyperformance's own bm_async_tree, unmodified.

Imports vendor/pyperformance/bm_async_tree/run_benchmark.py with a stand-in
`pyperf` module (the file uses pyperf only under __main__) and times
`tree.run()` the way pyperf's `bench_async_func` does: a fresh event loop per
value, timed from inside it. Seeding happens once, when the tree object is
made, so later iterations continue the random sequence, as under pyperf.

usage: async_tree_asyncio.py <none|io|memoization|cpu_io_mixed> [--eager]
           [--levels=N] [--values=N] [--warmups=N] [--count]

--eager picks the original's eager class (asyncio.eager_task_factory where
the interpreter has it, 3.12+; the report says whether it took effect).
--levels overrides NUM_RECURSE_LEVELS (quick runs). --count wraps
mock_io_call and math.factorial to count leaves, for the orchestrator's check
of the JavaScript ports' draws; timed runs leave the original untouched.

Prints one JSON line with the same fields as the JavaScript children.
"""

import asyncio
import importlib.util
import json
import os
import re
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGINAL = os.path.join(HERE, "vendor", "pyperformance", "bm_async_tree", "run_benchmark.py")
VARIANTS = ("none", "io", "memoization", "cpu_io_mixed")


def load_original():
    sys.modules.setdefault("pyperf", types.ModuleType("pyperf"))
    spec = importlib.util.spec_from_file_location("bm_async_tree", ORIGINAL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args(argv):
    variants = [a for a in argv if not a.startswith("--")]
    flags = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if len(variants) != 1 or variants[0] not in VARIANTS:
        sys.exit(f"usage: async_tree_asyncio.py <{'|'.join(VARIANTS)}> [--eager] [--levels=N] "
                 "[--values=N] [--warmups=N] [--count]")
    return {
        "variant": variants[0],
        "eager": "--eager" in argv,
        "count": "--count" in argv,
        "levels": int(flags.get("levels", 6)),
        "values": int(flags.get("values", 3)),
        "warmups": int(flags.get("warmups", 1)),
    }


class Counts:
    sleeps = 0
    factorials = 0


def install_counters(module):
    """Counts leaves by wrapping the original's mock_io_call and its math.factorial."""
    original_io = module.AsyncTree.mock_io_call

    async def mock_io_call(self):
        Counts.sleeps += 1
        await original_io(self)

    module.AsyncTree.mock_io_call = mock_io_call
    real_math = module.math

    def factorial(n):
        Counts.factorials += 1
        return real_math.factorial(n)

    module.math = types.SimpleNamespace(factorial=factorial)


def one_value(func):
    """pyperf's bench_async_func with loops=1: a new loop, t0 inside it."""
    async def main():
        t0 = time.perf_counter()
        await func()
        return time.perf_counter() - t0

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read(), re.M)
    return int(match.group(1)) * 1024 if match else float("nan")


def main():
    args = parse_args(sys.argv[1:])
    module = load_original()
    module.NUM_RECURSE_LEVELS = args["levels"]
    if args["count"]:
        install_counters(module)
    name = args["variant"]
    if args["eager"]:
        name = "eager" if name == "none" else f"eager_{name}"
    tree = module.BENCHMARKS[name]()
    leaves = []

    def counted():
        before = (Counts.sleeps, Counts.factorials)
        seconds = one_value(tree.run)
        leaves.append([Counts.sleeps - before[0], Counts.factorials - before[1]])
        return seconds

    for _ in range(args["warmups"]):
        counted()
    cpu_before = time.process_time()
    values_ms = [counted() * 1000 for _ in range(args["values"])]
    cpu_ms = (time.process_time() - cpu_before) * 1000
    print(json.dumps({
        "side": f"asyncio-{sys.version_info[0]}.{sys.version_info[1]}",
        "variant": args["variant"],
        "eager": args["eager"] and hasattr(asyncio, "eager_task_factory"),
        "levels": args["levels"],
        "valuesMs": values_ms,
        "cpuMsPerValue": cpu_ms / args["values"],
        "peakRssBytes": peak_rss_bytes(),
        "leaves": leaves if args["count"] else [],
    }))


if __name__ == "__main__":
    main()
