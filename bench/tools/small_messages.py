#!/usr/bin/env python3
"""Where the time goes for small messages: system calls and CPU per request, ours against libev.

Starts a private nginx, then for each named implementation ("libev", or "ours=JAR" for a jar to
test) an ss-server/ssserver + ss-tunnel/sslocal pair with aes-256-gcm on loopback, and in
interleaved rounds (A B A B) measures, under wrk with 1 KiB bodies:
  - CPU (utime+stime from /proc/PID/stat) per request of each process, keep-alive (-c4) and
    Connection: close (-c4);
  - system calls per request (keep-alive) and per connection (close), `strace -c -f -p` of each
    process over a bounded wrk run;
  - optionally (--profile DIR) an async-profiler CPU profile of our processes, collapsed stacks.
Every load is bounded in time; everything started here is stopped by PID at the end.

  bench/tools/small_messages.py --impl libev --impl ours=shadowsocks-cli/target/ssjvm.jar
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
PASSWORD = "bench-password-not-secret"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection((HOST, port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"port {port} did not open")


def cpu(pid, field=None):
    """utime+stime of a process in seconds, or only utime ("user") or stime ("sys"), or that of its
    threads other than the JIT compiler's ("nojit"): on a loaded machine the JIT runs late and at
    random, and its share swamps the rest in a short run."""
    if field == "nojit":
        total = 0.0
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    if "Compiler" in f.read():
                        continue
                total += cpu(f"{pid}/task/{tid}")
            except OSError:
                pass  # the thread ended
        return total
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    user, sys_ = int(fields[11]) / TICK, int(fields[12]) / TICK
    return {"user": user, "sys": sys_}.get(field, user + sys_)


def jvm_opts():
    with open(os.path.join(ROOT, "bin", "jvm.options")) as f:
        return [w for line in f for w in line.split("#", 1)[0].split()]


class Impl:
    def __init__(self, spec, tmp, nginx_port):
        self.name, _, jar = spec.partition("=")
        # "ours=JAR --flag value": extra words go to both of our processes
        self.jar, *self.extra = jar.split() or [""]
        self.label = spec if not self.jar else " ".join([f"ours:{os.path.basename(self.jar)}"] + self.extra)
        self.tmp, self.nginx_port = tmp, nginx_port
        self.procs = []

    def start(self, agent):
        sp, lp = free_port(), free_port()
        self.port = lp
        tp = f"{HOST}:{self.nginx_port}"
        if self.jar:
            def java(idx):
                # a profile every 10 s; the caller keeps those taken wholly under the measured load
                prof = [f"-agentpath:{agent}=start,event=cpu,interval=1ms,collapsed,loop=10s,"
                        f"file={self.tmp}/prof-{self.name}-{idx}-%t.collapsed"] if agent else []
                return ["java"] + jvm_opts() + prof + ["-jar", self.jar]
            n = len(self.procs)
            server = java(n) + ["ssserver", "-s", HOST, "-p", str(sp), "-k", PASSWORD, "-m", "aes-256-gcm",
                             "-t", "600", "--forbidden-ip", ""]
            local = java(n + 1) + ["sslocal", "-s", HOST, "-p", str(sp), "-b", HOST, "-l", str(lp), "-k", PASSWORD,
                            "-m", "aes-256-gcm", "-t", "600", "-L", tp] + self.extra
            server += self.extra
        else:
            common = ["-k", PASSWORD, "-m", "aes-256-gcm", "-t", "600", "-n", "16384", "--no-delay"]
            server = ["ss-server", "-s", HOST, "-p", str(sp)] + common
            local = ["ss-tunnel", "-s", HOST, "-p", str(sp), "-b", HOST, "-l", str(lp), "-L", tp] + common
        log = open(os.path.join(self.tmp, f"{self.name}-{len(self.procs)}.log"), "wb")
        self.server = subprocess.Popen(server, stdout=log, stderr=subprocess.STDOUT)
        self.local = subprocess.Popen(local, stdout=log, stderr=subprocess.STDOUT)
        self.procs += [self.server, self.local]
        wait_port(sp, self.server)
        wait_port(lp, self.local)

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def wrk(port, seconds, conns, close):
    argv = ["wrk", "-t1" if conns < 8 else "-t2", f"-c{conns}", f"-d{seconds}s"]
    if close:
        argv += ["-H", "Connection: close"]
    out = subprocess.run(argv + [f"http://{HOST}:{port}/1k.bin"], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    m = re.search(r"(\d+) requests in", out)
    if not m or int(m.group(1)) == 0:
        sys.exit(f"wrk completed no request through port {port}:\n{out}")
    return int(m.group(1))


def strace_summary(path):
    calls = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(parts) >= 5 and re.match(r"^[\d.]+$", parts[0]) and parts[-1] != "total":
                nums = parts[1:-1]
                calls[parts[-1]] = int(nums[2])
                if len(nums) == 4:
                    calls[parts[-1] + "(err)"] = int(nums[3])
    return calls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--impl", action="append", required=True, help="libev, or ours=PATH/TO/ssjvm.jar")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=10, help="seconds of keep-alive load first")
    ap.add_argument("--seconds", type=int, default=5, help="seconds of each measured load")
    ap.add_argument("--no-strace", action="store_true")
    ap.add_argument("--profile", help="directory for async-profiler collapsed stacks of our processes")
    ap.add_argument("--agent", help="libasyncProfiler.so (needed with --profile)")
    ap.add_argument("--profile-load", choices=("ka", "close"), default="ka", help="the load profiled")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="small-messages-")
    www = os.path.join(tmp, "www")
    os.makedirs(www)
    with open(os.path.join(www, "1k.bin"), "wb") as f:
        f.write(os.urandom(1024))
    nginx_port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1; pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn; events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_timeout 65; keepalive_requests 1000000; default_type application/octet-stream;
  client_body_temp_path {tmp}/body; server {{ listen {HOST}:{nginx_port} backlog=4096; root {www}; }} }}
""")
    nginx = subprocess.Popen(["nginx", "-p", tmp, "-c", conf, "-e", f"{tmp}/nginx-error.log"])
    impls = [Impl(s, tmp, nginx_port) for s in args.impl]
    results = {i.label: [] for i in impls}
    try:
        wait_port(nginx_port, nginx)
        for r in range(args.rounds):
            for impl in impls:
                impl.start(args.agent if args.profile and impl.jar else None)
                wrk(impl.port, args.warmup, 4, False)
                wrk(impl.port, args.warmup // 2, 4, True)
                row = {}
                for mode, close in (("ka", False), ("close", True)):
                    before = [cpu(p.pid, f) for p in (impl.server, impl.local) for f in ("user", "sys", "nojit")]
                    n = wrk(impl.port, args.seconds, 4, close)
                    after = [cpu(p.pid, f) for p in (impl.server, impl.local) for f in ("user", "sys", "nojit")]
                    d = [(a - b) / n * 1e6 for a, b in zip(after, before)]
                    row[mode] = n / args.seconds
                    row[mode + "_cpu_server_us"] = d[0] + d[1]
                    row[mode + "_cpu_server_user_us"] = d[0]
                    row[mode + "_cpu_server_nojit_us"] = d[2]
                    row[mode + "_cpu_local_us"] = d[3] + d[4]
                    row[mode + "_cpu_local_user_us"] = d[3]
                    row[mode + "_cpu_local_nojit_us"] = d[5]
                    if not args.no_strace:
                        traces = []
                        for side, p in (("server", impl.server), ("local", impl.local)):
                            out = os.path.join(tmp, f"strace-{impl.name}-{side}-{mode}-{r}.txt")
                            traces.append((side, out, subprocess.Popen(
                                ["strace", "-c", "-f", "-p", str(p.pid), "-o", out],
                                stderr=subprocess.DEVNULL)))
                        time.sleep(1.0)
                        n = wrk(impl.port, 3, 4, close)
                        for side, out, s in traces:
                            s.send_signal(signal.SIGINT)
                            s.wait(30)
                            calls = strace_summary(out)
                            row[f"{mode}_sys_{side}"] = {k: v / n for k, v in calls.items()}
                if args.profile and impl.jar:
                    os.makedirs(args.profile, exist_ok=True)
                    start = time.time()
                    wrk(impl.port, 22, 4, args.profile_load == "close")
                    end = time.time()
                    for idx, side in ((len(impl.procs) - 2, "server"), (len(impl.procs) - 1, "local")):
                        prefix = f"prof-{impl.name}-{idx}-"
                        for name in sorted(os.listdir(tmp)):
                            m = os.path.getmtime(os.path.join(tmp, name))
                            if name.startswith(prefix) and start + 10 <= m <= end:
                                os.replace(os.path.join(tmp, name), os.path.join(
                                    args.profile, f"{impl.label.replace(':', '-')}-{side}-{args.profile_load}-r{r}.collapsed"))
                impl.stop()
                results[impl.label].append(row)
                print(impl.label, "round", r, {k: (round(v, 1) if isinstance(v, float) else "")
                                                for k, v in row.items()}, flush=True)
    finally:
        for impl in impls:
            impl.stop()
        nginx.terminate()
        nginx.wait(10)

    print("\n## per request (keep-alive, wrk -c4) / per connection (Connection: close, wrk -c4), median of rounds")
    keys = sorted({k for rows in results.values() for row in rows for k in row if not k.startswith(("ka_sys", "close_sys"))})
    for label, rows in results.items():
        print(label, {k: round(sorted(r[k] for r in rows)[len(rows) // 2], 1) for k in keys})
    if not args.no_strace:
        for mode in ("ka", "close"):
            for side in ("server", "local"):
                key = f"{mode}_sys_{side}"
                names = sorted({n for rows in results.values() for row in rows for n in row[key]})
                print(f"\n### system calls per {'request' if mode == 'ka' else 'connection'}, {side} "
                      f"(mean of rounds)")
                print("| call | " + " | ".join(results) + " |")
                for name in names:
                    vals = [sum(row[key].get(name, 0) for row in rows) / len(rows) for rows in results.values()]
                    if max(vals) >= 0.05:
                        print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in vals) + " |")
                tot = [sum(sum(v for n, v in row[key].items() if not n.endswith("(err)")) for row in rows) / len(rows)
                       for rows in results.values()]
                print("| all | " + " | ".join(f"{v:.2f}" for v in tot) + " |")


if __name__ == "__main__":
    main()
