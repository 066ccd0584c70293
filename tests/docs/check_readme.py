#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Each reference has one home, and it keeps up with the code: docs/decoder.md
names every anomaly the decoder can report, docs/plugin.md every field the
plugin registers, and the README, a newcomer's guide, points to both.  The
tool's reference is its man page alone: docs/tool-guide.md and
capture-tool/README.md hold no table of options, JSON keys or exit
statuses."""
import re
import sys

top = sys.argv[1]


def read(path):
    return open(top + "/" + path, encoding="utf-8").read()


anomalies = re.findall(r'\[SR_ANOM_\w+\] = \{ "([a-z0-9-]+)"', read("plugin/decoder/sr_anomaly.c"))
fields = re.findall(r'"(smtpreply\.[a-z0-9_.]+)", FT_', read("plugin/packet-smtpreply.c"))
if len(anomalies) < 20 or len(fields) < 20:
    sys.exit("FAIL: found only %d anomalies and %d fields: the patterns are stale"
             % (len(anomalies), len(fields)))
decoder, plugin, readme = read("docs/decoder.md"), read("docs/plugin.md"), read("README.md")
guide, tool_readme = read("docs/tool-guide.md"), read("capture-tool/README.md")
missing = ["%s (docs/decoder.md)" % a for a in anomalies if "`%s`" % a not in decoder]
# A field may be documented as a family: `smtpreply.code.class` / `.category`.
missing += ["%s (docs/plugin.md)" % f for f in fields
            if f not in plugin and "`.%s`" % f.rsplit(".", 1)[1] not in plugin]
missing += ["a link to %s (README.md)" % d for d in ("docs/decoder.md", "docs/plugin.md",
                                                     "capture-tool/smtpreply.1")
            if "(%s)" % d not in readme]
if missing:
    sys.exit("FAIL: not documented: " + ", ".join(missing))
# A table row naming an option, a JSON key or an exit status is reference:
# it belongs in capture-tool/smtpreply.1 (issue 19).
for path, text in (("docs/tool-guide.md", guide), ("capture-tool/README.md", tool_readme)):
    rows = [line for line in text.splitlines()
            if re.match(r"\|\s*(`(-|time`|flow`)|[0-4]\s*\|)", line)]
    if rows:
        sys.exit("FAIL: %s repeats the man page's reference: %s" % (path, rows[0]))
print("docs/decoder.md names all %d anomalies, docs/plugin.md all %d plugin fields, "
      "README.md points to both; docs/tool-guide.md and capture-tool/README.md have "
      "no reference table" % (len(anomalies), len(fields)))
