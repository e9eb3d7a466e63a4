#!/usr/bin/env python3
"""Idle-connection helpers for bench/run (Python 3 stdlib only).

  idle.py sink --port P
      Accepts connections on 127.0.0.1:P; answers each connection's first byte with one byte, then
      holds the connection open until the peer closes it. Prints "LISTENING" once bound.

  idle.py client --port P --count N [--concurrency C] [--hold]
      Opens N connections to 127.0.0.1:P (the tunnel), sends one byte on each and waits for the
      answer, so every connection is known to be established end to end (client -> tunnel -> server
      -> sink and back). Prints "READY <ok> <failed>". With --hold it then waits for a line on stdin
      before closing everything; without it closes at once. Prints "CLOSED" at the end.
"""
import argparse
import asyncio
import sys

CONNECT_TIMEOUT = 30.0


async def sink(port):
    async def handle(reader, writer):
        try:
            if await reader.read(1):
                writer.write(b"y")
                await writer.drain()
                while await reader.read(4096):  # hold until the peer closes; discard anything
                    pass
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    print("LISTENING", flush=True)
    async with server:
        await server.serve_forever()


async def client(port, count, concurrency, hold):
    gate = asyncio.Semaphore(concurrency)  # bounded fan-out so no listen backlog overflows
    writers = []
    failed = 0

    async def one():
        nonlocal failed
        async with gate:
            writer = None
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), CONNECT_TIMEOUT)
                writer.write(b"x")
                await writer.drain()
                answer = await asyncio.wait_for(reader.readexactly(1), CONNECT_TIMEOUT)
                if answer != b"y":
                    raise ConnectionError("unexpected answer")
                writers.append(writer)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                failed += 1
                if writer is not None:
                    writer.close()

    await asyncio.gather(*(one() for _ in range(count)))
    print(f"READY {len(writers)} {failed}", flush=True)
    if hold:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for writer in writers:
        writer.close()
    await asyncio.sleep(0.2)
    print("CLOSED", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, required=True)
    c = sub.add_parser("client")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--concurrency", type=int, default=200)
    c.add_argument("--hold", action="store_true")
    args = parser.parse_args()
    try:
        if args.mode == "sink":
            asyncio.run(sink(args.port))
        else:
            asyncio.run(client(args.port, args.count, args.concurrency, args.hold))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
