"""What the Python benchmark apps share: how they are called, the time marks they take, the
messages they exchange with the jsii kernel, and the lines they report.

An app is run as ``python <app>.py <case.json> <outdir>``, once per sample, in a fresh process
(under measure.py). The case file (written by bench/python/run.ts) says what to build: the kind
(``service``: one ComposeFargateService; ``project``: one ComposeFargateProject), the stack and construct names, and either the tutorial's
folder or a generated compose file and the services it was written from. (command.py, which runs
the console script, takes the script and its arguments instead.)

Each mark holds the wall-clock time (``time.time()``, ms since the epoch, so that the driver can
place it against the moment the process was spawned, ``BENCH_SPAWNED_AT_MS``), the CPU time of
Python (this process) and of Node.js (the jsii kernel's processes, read from /proc while they
run, plus the processes this one waited for), and the messages sent to the kernel so far. After the last mark,
jsii stops its kernel in an exit hook; a second exit hook, registered before jsii's (exit hooks
run last registered first), reports when that is done. Python's own shutdown follows.
"""
import atexit
import json
import os
import resource
import sys
import time

REPORT_PREFIX = "BENCH_REPORT "
EXIT_PREFIX = "BENCH_EXIT "
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time() * 1000.0


def cpu_ms(who):
    usage = resource.getrusage(who)
    return (usage.ru_utime + usage.ru_stime) * 1000.0


def _stat(pid):
    """(parent pid, CPU ms of the process and of the children it waited for), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the name: state, ppid, ... utime (14th field of the line), stime, cutime, cstime
    return int(fields[1]), sum(int(x) for x in fields[11:15]) * TICK_MS


def tree_cpu_ms(root):
    """CPU time of a running process and of all its descendants (the jsii runtime runs the kernel in a
    child process of its own). Linux (/proc); 0 elsewhere."""
    stats = {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            stats[pid] = _stat(pid)
        except (OSError, IndexError, ValueError):
            pass  # ended meanwhile, or not readable
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo.extend(children.get(pid, []))
    return total


class Marks:
    def __init__(self):
        self._calls = 0
        self._kernel_pid = None
        self._marks = []
        self.mark("start")
        atexit.register(self._report_exit)

    def count_kernel_messages(self):
        """Wrap jsii's one way to the kernel (every request is a line on its stdin, answered on its stdout)."""
        from jsii._kernel.providers import process

        send = process._NodeProcess.send
        marks = self

        def counted_send(node_process, request, response_type):
            marks._kernel_pid = node_process._process.pid
            marks._calls += 1
            return send(node_process, request, response_type)

        process._NodeProcess.send = counted_send

    def _node_cpu_ms(self):
        running = tree_cpu_ms(self._kernel_pid) if self._kernel_pid is not None else 0.0
        return running + cpu_ms(resource.RUSAGE_CHILDREN)

    def mark(self, name):
        self._marks.append({
            "name": name, "at": now_ms(), "calls": self._calls,
            "pythonCpuMs": cpu_ms(resource.RUSAGE_SELF), "nodeCpuMs": self._node_cpu_ms(),
        })

    def report(self):
        """Print the report line: call last (right after app.synth())."""
        self.mark("end")
        spawned_at = float(os.environ["BENCH_SPAWNED_AT_MS"])
        print(REPORT_PREFIX + json.dumps({"spawnedAt": spawned_at, "marks": self._marks}), flush=True)

    def _report_exit(self):
        # jsii has stopped the kernel and waited for it: its CPU time is now among the children's.
        print(EXIT_PREFIX + json.dumps({
            "at": now_ms(), "pythonCpuMs": cpu_ms(resource.RUSAGE_SELF), "nodeCpuMs": cpu_ms(resource.RUSAGE_CHILDREN),
        }), flush=True)


def read_case():
    if len(sys.argv) != 3:
        raise SystemExit("usage: python <app>.py <case.json> <outdir>")
    with open(sys.argv[1], encoding="utf-8") as f:
        case = json.load(f)
    if case["kind"] not in ("service", "project"):
        raise SystemExit(f"unknown kind {case['kind']!r}: the apps build `service` (one ComposeFargateService) "
                         "or `project` (one ComposeFargateProject)")
    return case, sys.argv[2]


def start_app():
    """The apps' first steps, marked: the case, then the jsii kernel (`import jsii` starts nothing; the first
    request starts the node process)."""
    marks = Marks()
    case, outdir = read_case()
    import jsii

    marks.count_kernel_messages()
    jsii._runtime.kernel.stats()
    marks.mark("kernel")
    return marks, case, outdir
