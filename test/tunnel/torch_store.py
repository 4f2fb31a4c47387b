"""Drives a real PyTorch TCPStore for the tunnel tests (Debian's python3-torch via /usr/bin/python3).

  master                 start a TCPStore master on a free port, print {"port": N}, run until stdin closes
  client PORT            set/get/add/wait/compare_set through PORT, print the results as JSON
  client-env             the same through MASTER_ADDR/MASTER_PORT (as `tunnel run` sets them)
  hold PORT              connect, set a key, print "ready", wait for a line on stdin, then try a get and
                         print how it failed (the tunnel was killed in between)
  allreduce PORT RANK    join a 2-rank gloo process group whose store is at PORT, all-reduce, print the sum
  bench PORT SECONDS     small set/get rate and 1 MiB set/get throughput, print JSON

No model is loaded: the store carries test strings only.
"""
import json
import sys
import time
from datetime import timedelta

import torch.distributed as dist

TIMEOUT = timedelta(seconds=30)


def connect(port):
    return dist.TCPStore("127.0.0.1", int(port), is_master=False, timeout=TIMEOUT)


def main(argv):
    mode = argv[1]
    if mode == "master":
        store = dist.TCPStore("127.0.0.1", 0, is_master=True, timeout=TIMEOUT, wait_for_workers=False)
        print(json.dumps({"port": store.port}), flush=True)
        sys.stdin.read()
        return 0
    if mode in ("client", "client-env"):
        import os

        s = connect(os.environ["MASTER_PORT"] if mode == "client-env" else argv[2])
        s.set("greeting", "hello through the tunnel")
        out = {"get": s.get("greeting").decode()}
        s.add("counter", 5)
        out["add"] = s.add("counter", 2)
        s.set("ready", "1")
        s.wait(["ready", "greeting"], timedelta(seconds=10))
        out["wait"] = True
        out["compare_set"] = s.compare_set("greeting", "hello through the tunnel", "swapped").decode()
        out["num_keys"] = s.num_keys()
        big = b"\xa5" * (1 << 20)
        s.set("big", big)
        out["big_roundtrip"] = s.get("big") == big
        print(json.dumps(out), flush=True)
        return 0
    if mode == "hold":
        s = connect(argv[2])
        s.set("held", "1")
        print("ready", flush=True)
        sys.stdin.readline()
        try:
            s.get("held")
            print(json.dumps({"error": None}), flush=True)
        except Exception as e:  # the point: PyTorch reports the broken connection as an error
            print(json.dumps({"error": type(e).__name__, "message": str(e)[:200]}), flush=True)
        return 0
    if mode == "allreduce":
        import torch

        rank = int(argv[3])
        store = connect(argv[2])
        dist.init_process_group("gloo", store=store, rank=rank, world_size=2, timeout=TIMEOUT)
        t = torch.tensor([float(rank + 1)])
        dist.all_reduce(t)
        dist.barrier()
        print(json.dumps({"rank": rank, "sum": t.item()}), flush=True)
        dist.destroy_process_group()
        return 0
    if mode == "bench":
        s = connect(argv[2])
        seconds = float(argv[3])
        n = 0
        end = time.perf_counter() + seconds
        start = time.perf_counter()
        while time.perf_counter() < end:
            s.set("k", "v")
            s.get("k")
            n += 2
        ops = n / (time.perf_counter() - start)
        big = b"\x5a" * (1 << 20)
        moved = 0
        end = time.perf_counter() + seconds
        start = time.perf_counter()
        while time.perf_counter() < end:
            s.set("big", big)
            s.get("big")
            moved += 2
        mib = moved / (time.perf_counter() - start)
        print(json.dumps({"ops_per_s": ops, "mib_per_s": mib}), flush=True)
        return 0
    print("unknown mode", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
