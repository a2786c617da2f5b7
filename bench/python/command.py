"""The `cdk-compose-fargate` console script, run with the apps' marks: ``python command.py <script>
<arguments>`` runs the script that pip installed (jsii-pacmak's launcher) as Python runs it, and
marks when the launcher has loaded the packages and asks to run the npm package's command (its
`subprocess.run`), and when that command has ended. The launcher turns jsii's package cache off
unless the environment sets JSII_RUNTIME_PACKAGE_CACHE, as it does for its users.
"""
import runpy
import subprocess
import sys

from harness import Marks

marks = Marks()
script, args = sys.argv[1], sys.argv[2:]

import jsii  # noqa: E402,F401 (imported, not started: the launcher starts the kernel)
marks.count_kernel_messages()
run = subprocess.run


def timed_run(*a, **kw):
    marks.mark("loaded")
    try:
        return run(*a, **kw)
    finally:
        marks.mark("ran")


subprocess.run = timed_run
sys.argv = [script, *args]
code = 0
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as e:
    code = e.code
marks.report()
sys.exit(code)
