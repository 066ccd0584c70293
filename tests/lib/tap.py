# SPDX-License-Identifier: GPL-2.0-or-later
"""The TAP-like lines the tool's Python checks print: "ok N - name", or
"not ok N - name  # detail" with what was found, then a count and the exit
status.  One copy, so every check script reports alike."""
import sys

RESULTS = []


def check(name, cond, detail=""):
    """Records one check; DETAIL (cut to 2000 characters) is shown when it fails."""
    RESULTS.append(bool(cond))
    print("%s %d - %s%s" % ("ok" if cond else "not ok", len(RESULTS), name,
                            "" if cond else "  # " + str(detail)[:2000]))
    return bool(cond)


def finish():
    """Prints the count and exits 1 if any check failed."""
    failed = RESULTS.count(False)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    sys.exit(1 if failed else 0)
