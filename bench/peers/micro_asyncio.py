"""asyncio sides of bench/scenarios/micro.ts: the same work, timed in-process.

usage: python3 micro_asyncio.py <case> <n>   ->   {"ms": <elapsed>}

Cases mirror the TypeScript sides: dispatch1 / dispatch1000 (call_soon
chains), switch (two tasks handing a counter through fresh futures),
sleep0-1 / sleep0-100 (asyncio.sleep(0) in 1 or 100 tasks), timers
(call_later(1 s) + cancel, 1000 pairs per loop iteration), queue (one
producer and one consumer through asyncio.Queue(QUEUE_MAXSIZE)).
"""

import asyncio
import json
import sys
import time

CHURN_CHUNK = 1000
QUEUE_MAXSIZE = 64  # as in micro.ts


def dispatch(n, k):
    loop = asyncio.new_event_loop()
    left = n

    def tick():
        nonlocal left
        left -= 1
        if left == 0:
            loop.stop()
        elif left >= k:
            loop.call_soon(tick)

    start = time.perf_counter()
    for _ in range(k):
        loop.call_soon(tick)
    loop.run_forever()
    ms = (time.perf_counter() - start) * 1000
    loop.close()
    return ms


async def switch(n):
    loop = asyncio.get_running_loop()
    slots = {"ping": None, "pong": None}

    async def pong():
        while True:
            inbox = slots["pong"] = loop.create_future()
            v = await inbox
            if v < 0:
                return
            slots["ping"].set_result(v + 1)

    async def ping():
        v = 0
        for _ in range(n):
            inbox = slots["ping"] = loop.create_future()
            slots["pong"].set_result(v)
            v = await inbox
        slots["pong"].set_result(-1)
        return v

    b = asyncio.create_task(pong())
    a = asyncio.create_task(ping())
    v = await a
    await b
    assert v == n


async def sleep0(tasks, n):
    async def worker(count):
        for _ in range(count):
            await asyncio.sleep(0)

    for t in [asyncio.create_task(worker(n // tasks)) for _ in range(tasks)]:
        await t


async def timers(n):
    loop = asyncio.get_running_loop()
    noop = lambda: None
    done = 0
    while done < n:
        for _ in range(min(CHURN_CHUNK, n - done)):
            loop.call_later(1, noop).cancel()
        done += min(CHURN_CHUNK, n - done)
        await asyncio.sleep(0)


async def queue(n):
    q = asyncio.Queue(QUEUE_MAXSIZE)

    async def consumer():
        total = 0
        for _ in range(n):
            total += await q.get()
        return total

    async def producer():
        for i in range(n):
            await q.put(i)

    c = asyncio.create_task(consumer())
    p = asyncio.create_task(producer())
    await p
    assert await c == n * (n - 1) // 2


def timed_run(coro):
    start = time.perf_counter()
    asyncio.run(coro)
    return (time.perf_counter() - start) * 1000


def main():
    case, n = sys.argv[1], int(sys.argv[2])
    if case == "dispatch1":
        ms = dispatch(n, 1)
    elif case == "dispatch1000":
        ms = dispatch(n, 1000)
    elif case == "switch":
        ms = timed_run(switch(n))
    elif case == "sleep0-1":
        ms = timed_run(sleep0(1, n))
    elif case == "sleep0-100":
        ms = timed_run(sleep0(100, n))
    elif case == "timers":
        ms = timed_run(timers(n))
    elif case == "queue":
        ms = timed_run(queue(n))
    else:
        sys.exit("unknown case " + case)
    print(json.dumps({"ms": ms}))


if __name__ == "__main__":
    main()
