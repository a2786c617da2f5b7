"""Runs one sample and measures it from outside: ``python measure.py <command> <arguments>`` starts
the command (its output passes through), waits for it with wait4, and prints, last, its wall time
from spawn to exit and its CPU time, user and system, with the processes it waited for (the jsii
kernel, the command's node): ``BENCH_RUSAGE {"wallMs": ..., "cpuMs": ...}``. It exits with the
command's status. The command learns when it was spawned from ``BENCH_SPAWNED_AT_MS``.
"""
import json
import os
import subprocess
import sys
import time

env = dict(os.environ)
env["BENCH_SPAWNED_AT_MS"] = repr(time.time() * 1000.0)
t0 = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], env=env)
_, status, usage = os.wait4(child.pid, 0)
wall_ms = (time.perf_counter() - t0) * 1000.0
child.returncode = os.waitstatus_to_exitcode(status)
print("BENCH_RUSAGE " + json.dumps({"wallMs": wall_ms, "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000.0}), flush=True)
sys.exit(child.returncode)
