"""Seed scenario, Python asyncio: N tasks made with asyncio.create_task; main
awaits them in creation order — the shape of the yieldio peer, as the asyncio
docs write it. --shape=direct: each task is the sleep itself,
create_task(asyncio.sleep(ms / 1000)). --shape=coroutine (default): each task
is an async def that awaits asyncio.sleep(ms / 1000).

Prints the same JSON line as bench/peers/_seed_common.ts. The delays come from
mulberry32, the same generator as bench/_prng.ts, bit for bit (the
orchestrator checks the delaySum checksum).

usage: python3 seed_scale_asyncio.py <n> <seed> [--shape=direct|coroutine]
"""

import asyncio
import json
import math
import re
import sys
import time

MAX_DELAY_MS = 1000
SHAPES = ("direct", "coroutine")
MASK = 0xFFFFFFFF


def mulberry32(seed):
    """bench/_prng.ts in unsigned 32-bit arithmetic (the low 32 bits agree)."""
    a = seed & MASK

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & MASK
        t = ((a ^ (a >> 15)) * (a | 1)) & MASK
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & MASK)) & MASK)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return nxt


def seeded_delays(n, seed):
    nxt = mulberry32(seed)
    return [math.floor(nxt() * (MAX_DELAY_MS + 1)) for _ in range(n)]


def proc_status():
    with open("/proc/self/status") as f:
        text = f.read()
    def field(name):
        m = re.search(r"^%s:\s+(\d+) kB" % name, text, re.M)
        return int(m.group(1)) * 1024 if m else float("nan")
    return field("VmRSS"), field("VmHWM")


async def worker(ms):
    await asyncio.sleep(ms / 1000)


async def main(delays, shape):
    if shape == "direct":
        tasks = [asyncio.create_task(asyncio.sleep(d / 1000)) for d in delays]
    else:
        tasks = [asyncio.create_task(worker(d)) for d in delays]
    for task in tasks:
        await task


def parse_args():
    """The command line _seed_common.ts parses for the TypeScript peers."""
    positional = [a for a in sys.argv[1:] if not a.startswith("--")]
    shape = "coroutine"
    for a in sys.argv[1:]:
        if a.startswith("--shape="):
            shape = a[len("--shape="):]
    if len(positional) != 2 or shape not in SHAPES:
        sys.exit("usage: seed_scale_asyncio.py <n> <seed> [--shape=direct|coroutine]")
    return int(positional[0]), int(positional[1]), shape


def run():
    n, seed, shape = parse_args()
    delays = seeded_delays(n, seed)
    longest = max(delays)
    baseline_rss, _ = proc_status()
    cpu_before = time.process_time()
    start = time.perf_counter()
    asyncio.run(main(delays, shape))
    wall_ms = (time.perf_counter() - start) * 1000
    cpu_ms = (time.process_time() - cpu_before) * 1000
    _, peak = proc_status()
    print(json.dumps({
        "peer": "asyncio",
        "shape": shape,
        "n": n,
        "seed": seed,
        "delaySum": sum(delays),
        "wallMs": wall_ms,
        "longestSleepMs": longest,
        "overheadMs": wall_ms - longest,
        "cpuMs": cpu_ms,
        "peakRssBytes": peak,
        "baselineRssBytes": baseline_rss,
        "rssPerTaskBytes": (peak - baseline_rss) / n,
    }))


if __name__ == "__main__":
    run()
