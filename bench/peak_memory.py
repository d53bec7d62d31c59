#!/usr/bin/env python3
"""Run a command and report its peak memory: anonymous, file-backed, total.

    python3 bench/peak_memory.py [--interval 0.005] [--stdout FILE] -- COMMAND ARGS...

Prints one line of JSON to stdout (the command's own
stdout goes to --stdout, default /dev/null; its stderr passes through):

    {"rss_anon_peak_kib": ..., "rss_file_at_anon_peak_kib": ..., "vm_hwm_kib": ...,
     "max_rss_kib": ..., "seconds": ..., "samples": ..., "exit": ...}

- rss_anon_peak_kib: the highest RssAnon seen in /proc/PID/status, read
  every --interval seconds (5 ms by default) while the command runs. The
  kernel keeps no high-water mark of RssAnon alone (VmHWM is RSS, anon and
  file pages together), so this is sampled: a peak that lasts less than
  an interval can be missed. Anonymous memory is the heap, thread stacks
  and allocator arenas, freed-but-kept memory included; it leaves out the
  pages of memory-mapped files (the git packs and indexes gitoxide maps),
  which the kernel can drop and read again at will.
- rss_file_at_anon_peak_kib: RssFile in the same sample (mapped packs, the
  binary).
- vm_hwm_kib: the last VmHWM read, the kernel's own peak of RssAnon +
  RssFile + RssShmem.
- max_rss_kib: ru_maxrss from wait4, which is the same peak as VmHWM but
  read after the end (what `/usr/bin/time -v` prints as "Maximum resident
  set size").

Python 3 standard library only; Linux only (/proc).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def fields(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid, "rb") as f:
            for line in f:
                key, _, rest = line.partition(b":")
                if key in (b"RssAnon", b"RssFile", b"VmHWM"):
                    out[key.decode()] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        pass
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--interval", type=float, default=0.005)
    p.add_argument("--stdout", default=os.devnull, help="where the command's stdout goes")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        p.error("no command given")
    with open(a.stdout, "wb") as out:
        start = time.monotonic()
        child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out)
        peak = {"RssAnon": 0, "RssFile": 0}
        hwm = 0
        samples = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            f = fields(child.pid)
            if "RssAnon" in f:
                samples += 1
                hwm = max(hwm, f.get("VmHWM", 0))
                if f["RssAnon"] > peak["RssAnon"]:
                    peak = {"RssAnon": f["RssAnon"], "RssFile": f.get("RssFile", 0)}
            time.sleep(a.interval)
        seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({
        "rss_anon_peak_kib": peak["RssAnon"],
        "rss_file_at_anon_peak_kib": peak["RssFile"],
        "vm_hwm_kib": hwm,
        "max_rss_kib": usage.ru_maxrss,
        "seconds": round(seconds, 3),
        "samples": samples,
        "exit": code,
    }))
    # The sampler's verdict must not hide the command's failure.
    sys.exit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
