"""Scenario 9's CPython peer: TCP echo over 127.0.0.1 with asyncio streams, and
subprocess spawn + communicate, the same cases as bench/scenarios/io_probe.ts.
Prints one JSON line: {"runtime", "echo": {label: {"asyncio": [MB/s...]}},
"spawn": {"asyncio": [per s...]}}. Pass --quick for the smoke-test sizes, and
--uvloop to run on uvloop (Debian's python3-uvloop, for /usr/bin/python3: it
installs without PyPI); the side is then named "uvloop".
"""

import asyncio
import json
import sys
import time

QUICK = "--quick" in sys.argv
SIDE = "uvloop" if "--uvloop" in sys.argv else "asyncio"
CASES = (
    [(1, 1024, 200), (100, 65536, 2)]
    if QUICK
    else [(1, 1024, 4000), (1, 65536, 800), (100, 1024, 200), (100, 65536, 16)]
)
ROUNDS = 1 if QUICK else 3
SPAWNS = 20 if QUICK else 200


def label(clients, size):
    return f"{clients} client{'' if clients == 1 else 's'} × {'1 KB' if size == 1024 else '64 KB'}"


async def echo(reader, writer):
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        writer.write(chunk)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def echo_case(clients, size, trips):
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    message = b"x" * size

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(trips):
            writer.write(message)
            await writer.drain()
            await reader.readexactly(size)
        writer.close()
        await writer.wait_closed()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - start
    server.close()
    await server.wait_closed()
    return clients * trips * size / 1e6 / seconds


async def spawn_rate():
    start = time.perf_counter()
    for _ in range(SPAWNS):
        proc = await asyncio.create_subprocess_exec(
            "cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        await proc.communicate(b"hello")
    return SPAWNS / (time.perf_counter() - start)


async def main():
    report = {"runtime": f"CPython {sys.version.split()[0]}", "echo": {}, "spawn": {SIDE: []}}
    for _ in range(ROUNDS):
        for clients, size, trips in CASES:
            row = report["echo"].setdefault(label(clients, size), {SIDE: []})
            row[SIDE].append(await echo_case(clients, size, trips))
        report["spawn"][SIDE].append(await spawn_rate())
    print(json.dumps(report))


if SIDE == "uvloop":
    import uvloop

    uvloop.install()
asyncio.run(main())
