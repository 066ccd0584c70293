#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README names every anomaly the decoder can report, and every field
the plugin registers, so the documentation cannot fall behind the code."""
import re
import sys

top = sys.argv[1]
readme = open(top + "/README.md", encoding="utf-8").read()
anomalies = re.findall(r'\[SR_ANOM_\w+\] = \{ "([a-z0-9-]+)"',
                       open(top + "/plugin/decoder/sr_anomaly.c").read())
fields = re.findall(r'"(smtpreply\.[a-z0-9_.]+)", FT_',
                    open(top + "/plugin/packet-smtpreply.c").read())
if len(anomalies) < 20 or len(fields) < 20:
    sys.exit("FAIL: found only %d anomalies and %d fields: the patterns are stale"
             % (len(anomalies), len(fields)))
missing = [a for a in anomalies if "`%s`" % a not in readme]
# A field may be documented as a family: `smtpreply.code.class` / `.category`.
missing += [f for f in fields
            if f not in readme and "`.%s`" % f.rsplit(".", 1)[1] not in readme]
if missing:
    sys.exit("FAIL: README.md does not mention: " + ", ".join(missing))
print("README names all %d anomalies and %d plugin fields" % (len(anomalies), len(fields)))
