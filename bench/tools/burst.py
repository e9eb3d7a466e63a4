#!/usr/bin/env python3
"""Load helpers for bench/run's burst and syscalls parts (Python 3 stdlib only, raw epoll: far less
CPU per connection than asyncio streams, so the generator is not what limits the rate).

  burst.py sink --port P
      Accepts connections on 127.0.0.1:P (SO_REUSEPORT: run several on one port); answers each
      connection's first byte with b"y" and holds it open until the peer closes. Prints
      "LISTENING". Ends on SIGTERM.

  burst.py socks --port P --target-port T --count N [--concurrency C]
      Waits for a line on stdin ("GO"), then opens N connections to the SOCKS5 proxy on 127.0.0.1:P,
      at most C of them in the handshake at once; on each: greeting (no auth), CONNECT 127.0.0.1:T,
      one byte out, one byte back. Prints "DONE <ok> <failed> <t_first> <t_last> <cpu_s>" (monotonic
      clock, comparable across processes; cpu_s is this process's utime + stime since GO), holds every
      connection until the next stdin line, closes them and prints "CLOSED".

  burst.py http --port P --path /1k.bin --requests N --conns C [--close]
      N HTTP/1.1 GETs over C connections in C threads, kept alive (or, with --close, one connection
      per request); checks every status and length. Prints "DONE <ok> <failed> <seconds>".
"""
import argparse
import errno
import os
import select
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
DEADLINE = 120.0  # no burst may take longer; stragglers count as failed


def cpu_self():
    t = os.times()
    return t.user + t.system


def sink(port):
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    lsock.bind((HOST, port))
    lsock.listen(4096)
    lsock.setblocking(False)
    ep = select.epoll()
    ep.register(lsock.fileno(), select.EPOLLIN)
    conns = {}  # fd -> [socket, answered]
    print("LISTENING", flush=True)
    while True:
        for fd, _ in ep.poll():
            if fd == lsock.fileno():
                while True:
                    try:
                        s, _ = lsock.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError as e:
                        if e.errno in (errno.EMFILE, errno.ENFILE, errno.ECONNABORTED):
                            break
                        raise
                    s.setblocking(False)
                    conns[s.fileno()] = [s, False]
                    ep.register(s.fileno(), select.EPOLLIN)
                continue
            entry = conns.get(fd)
            if entry is None:
                continue
            s = entry[0]
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                ep.unregister(fd)
                del conns[fd]
                s.close()
            elif not entry[1]:
                entry[1] = True
                try:
                    s.send(b"y")
                except OSError:
                    pass


CONNECTING, GREETED, REQUESTED, PINGED = range(4)


def socks(port, target_port, count, concurrency):
    request = b"\x05\x01\x00\x01" + socket.inet_aton(HOST) + struct.pack(">H", target_port)
    expect = {GREETED: 2, REQUESTED: 10, PINGED: 1}
    sys.stdin.readline()  # GO
    cpu0 = cpu_self()  # our own start-up stays out of the figure
    ep = select.epoll()
    live = {}  # fd -> [socket, state, buffer]
    done = []
    failed = 0
    started = 0
    t_first = time.monotonic()
    deadline = t_first + DEADLINE

    def fail(fd):
        nonlocal failed
        failed += 1
        s = live.pop(fd)[0]
        try:
            ep.unregister(fd)
        except OSError:
            pass
        s.close()

    while len(done) + failed < count:
        while started < count and len(live) < concurrency:
            started += 1
            s = socket.socket()
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            code = s.connect_ex((HOST, port))
            if code not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
                continue
            live[s.fileno()] = [s, CONNECTING, b""]
            ep.register(s.fileno(), select.EPOLLOUT)
        if time.monotonic() > deadline:
            for fd in list(live):
                fail(fd)
            break
        for fd, ev in ep.poll(1.0):
            entry = live.get(fd)
            if entry is None:
                continue
            s, state, _ = entry
            try:
                if state == CONNECTING:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        fail(fd)
                        continue
                    s.send(b"\x05\x01\x00")
                    entry[1] = GREETED
                    ep.modify(fd, select.EPOLLIN)
                    continue
                data = s.recv(64)
                if not data:
                    fail(fd)
                    continue
                entry[2] += data
                if len(entry[2]) < expect[state]:
                    continue
                reply, entry[2] = entry[2], b""
                if state == GREETED:
                    if reply[:2] != b"\x05\x00":
                        fail(fd)
                        continue
                    s.send(request)
                    entry[1] = REQUESTED
                elif state == REQUESTED:
                    if reply[:2] != b"\x05\x00":
                        fail(fd)
                        continue
                    s.send(b"x")
                    entry[1] = PINGED
                else:
                    if reply[:1] != b"y":
                        fail(fd)
                        continue
                    ep.unregister(fd)
                    done.append(live.pop(fd)[0])
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                fail(fd)
    t_last = time.monotonic()
    print(f"DONE {len(done)} {failed} {t_first:.6f} {t_last:.6f} {cpu_self() - cpu0:.3f}", flush=True)
    sys.stdin.readline()
    for s in done:
        s.close()
    print("CLOSED", flush=True)


def http(port, path, requests, conns, close):
    head = (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n" + ("Connection: close\r\n" if close else "") + "\r\n").encode()
    counts = [0, 0]
    lock = threading.Lock()

    def response(f):
        status = f.readline()
        length = None
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = f.read(length) if length is not None else b""
        return status.startswith(b"HTTP/1.1 200") and length is not None and len(body) == length

    def worker(n):
        ok = bad = 0
        s = f = None
        for _ in range(n):
            try:
                if s is None:
                    s = socket.create_connection((HOST, port), timeout=30)
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    f = s.makefile("rb")
                s.sendall(head)
                if response(f):
                    ok += 1
                else:
                    bad += 1
                if close:
                    f.close()
                    s.close()
                    s = None
            except OSError:
                bad += 1
                if s is not None:
                    s.close()
                s = None
        if s is not None:
            f.close()
            s.close()
        with lock:
            counts[0] += ok
            counts[1] += bad

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(requests // conns + (1 if i < requests % conns else 0),))
               for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"DONE {counts[0]} {counts[1]} {time.monotonic() - t0:.3f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, required=True)
    c = sub.add_parser("socks")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--target-port", type=int, required=True)
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--concurrency", type=int, default=256)
    h = sub.add_parser("http")
    h.add_argument("--port", type=int, required=True)
    h.add_argument("--path", default="/1k.bin")
    h.add_argument("--requests", type=int, required=True)
    h.add_argument("--conns", type=int, default=4)
    h.add_argument("--close", action="store_true")
    args = parser.parse_args()
    try:
        if args.mode == "sink":
            sink(args.port)
        elif args.mode == "socks":
            socks(args.port, args.target_port, args.count, args.concurrency)
        else:
            http(args.port, args.path, args.requests, args.conns, args.close)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
