"""exec a program with an empty signal mask and default signal dispositions.

Threads of the Swift test process block signals (SIGALRM among them), and a child started with
posix_spawn inherits that mask: pgbench -T would then never see its alarm. Usage: exec_clean.py PROG ARGS...
"""
import os
import signal
import sys

signal.pthread_sigmask(signal.SIG_SETMASK, [])
for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])
