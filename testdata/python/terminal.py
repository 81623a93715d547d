"""Drives a command through a pseudo-terminal, the way a person at a terminal
would: waits for each prompt, types an answer, and reports what happened.

usage: python3 terminal.py STEPS_JSON CMD [ARG...]

STEPS_JSON is a list of steps, each {"expect": REGEX} plus one of
  "send": TEXT          type TEXT (include "\\n" to press Enter)
  "send_word": true     type the word whose 1-based number the REGEX's first
                        group captured, from a "  N. word" listing seen earlier
  "send_seen": REGEX    type the first group of REGEX's first match in all the
                        output so far (e.g. a share listed earlier), then Enter
A step may also set "copy": [SRC, DST]: once its prompt is seen, and
before typing, SRC's bytes replace DST (written aside, then renamed in),
as a local attacker swapping a file while the program waits would.
A step may set "hidden": true (wait until the program has turned the
terminal's echo off, as a password prompt does, before typing) and
"timeout" (seconds, default 30). After the steps, the output is
read to the end. Prints one JSON object: {"exit": CODE, "output": TEXT,
"words": [the listing's words], "failed_step": INDEX or null}.
"""
import json
import os
import pty
import re
import select
import sys
import termios
import time

steps = json.loads(sys.argv[1])
cmd = sys.argv[2:]

pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)

out = ""
cursor = 0
eof = False


def pump(deadline):
    """Reads what is available until the deadline; False at end of output."""
    global out, eof
    while not eof:
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        r, _, _ = select.select([fd], [], [], min(left, 0.2))
        if not r:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            eof = True
            return False
        out += chunk.decode("utf-8", "replace")
        return True
    return False


def words_seen():
    found = {}
    for m in re.finditer(r"^\s*(\d+)\. (\S+)\s*$", out, re.M):
        found[int(m.group(1))] = m.group(2)
    return [found[k] for k in sorted(found)]


failed = None
for i, step in enumerate(steps):
    deadline = time.monotonic() + step.get("timeout", 30)
    pattern = re.compile(step["expect"])
    match = None
    while True:
        match = pattern.search(out, cursor)
        if match or eof or time.monotonic() >= deadline:
            break
        pump(deadline)
    if not match:
        failed = i
        break
    cursor = match.end()
    if "copy" in step:
        src, dst = step["copy"]
        with open(src, "rb") as f:
            data = f.read()
        tmp = dst + ".swap"
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, dst)
    if "send" in step:
        text = step["send"]
    elif step.get("send_word"):
        text = words_seen()[int(match.group(1)) - 1] + "\n"
    elif "send_seen" in step:
        seen = re.search(step["send_seen"], out)
        text = (seen.group(1) if seen else "") + "\n"
    else:
        text = ""
    if step.get("hidden"):
        # Typing before the echo is off would show the secret: wait for it.
        while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.01)
    if text:
        os.write(fd, text.encode())

end = time.monotonic() + (1 if failed is not None else 60)
while not eof and time.monotonic() < end:
    pump(end)
if not eof:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "exit": os.waitstatus_to_exitcode(status),
    "output": out,
    "words": words_seen(),
    "failed_step": failed,
}))
