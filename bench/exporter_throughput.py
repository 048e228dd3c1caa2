#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Probes per second: `socketscope-cli exporter` vs a raw `socketscope-cli probe` loop.

Starts the reference endpoint (`socketscope-cli serve`) and the exporter on free loopback ports,
then, for SECONDS each:
  1. raw loop: `socketscope-cli probe URL --app none --echo 0` run back to back (one process per
     probe, as a cron job or a shell loop does it);
  2. exporter, 1 client: GET /probe?target=URL&module=default back to back;
  3. exporter, C clients in parallel (C = --clients, exporter --concurrency C).
Every probe must come back ok (success 1 / exit 0); failures are counted and printed.

usage: bench/exporter_throughput.py [--cli PATH] [--seconds S] [--clients C]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on 127.0.0.1:{port}")


def raw_loop(cli, url, seconds):
    lat, fails = [], 0
    end = time.time() + seconds
    while time.time() < end:
        t = time.perf_counter()
        rc = subprocess.run([cli, "probe", url, "--app", "none", "--echo", "0", "--timeout", "5"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        lat.append(time.perf_counter() - t)
        fails += rc != 0
    return lat, fails


def exporter_clients(port, url, seconds, clients):
    target = f"http://127.0.0.1:{port}/probe?" + urllib.parse.urlencode({"target": url, "module": "default"})
    lat, fails, lock = [], [0], threading.Lock()
    end = time.time() + seconds

    def worker():
        mine, bad = [], 0
        while time.time() < end:
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(target, timeout=10) as r:
                    ok = r.status == 200 and b"\nsocketscope_probe_success 1\n" in r.read()
            except OSError:
                ok = False
            mine.append(time.perf_counter() - t)
            bad += not ok
        with lock:
            lat.extend(mine)
            fails[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return lat, fails[0]


def row(name, lat, fails, seconds):
    lat_ms = sorted(x * 1000 for x in lat)
    p95 = lat_ms[int(0.95 * (len(lat_ms) - 1))] if lat_ms else 0
    print(f"| {name} | {len(lat)} | {len(lat) / seconds:.1f} | {statistics.median(lat_ms):.2f} ms | {p95:.2f} ms | {fails} |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.path.join(here, "..", "build", "bench", "app", "socketscope-cli"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args()
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    backend_port, exporter_port = free_port(), free_port()
    procs = [subprocess.Popen([a.cli, "serve", "--listen", f"127.0.0.1:{backend_port}"], stdout=subprocess.DEVNULL, env=env),
             subprocess.Popen([a.cli, "exporter", "--listen", f"127.0.0.1:{exporter_port}", "--concurrency", str(a.clients)],
                              stdout=subprocess.DEVNULL, env=env)]
    os.environ.update(env)
    try:
        wait_port(backend_port)
        wait_port(exporter_port)
        url = f"ws://127.0.0.1:{backend_port}/ws/echo"
        print(f"cli {os.path.realpath(a.cli)}, {a.seconds:g} s each, load average {os.getloadavg()[0]:.1f}\n")
        print("| path | probes | probes/s | median | p95 | failed |")
        print("|---|---|---|---|---|---|")
        row("raw `probe` loop (one process per probe)", *raw_loop(a.cli, url, a.seconds), a.seconds)
        row("exporter, 1 client", *exporter_clients(exporter_port, url, a.seconds, 1), a.seconds)
        row(f"exporter, {a.clients} clients (--concurrency {a.clients})",
            *exporter_clients(exporter_port, url, a.seconds, a.clients), a.seconds)
    finally:
        for p in procs:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
