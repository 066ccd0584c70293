# SPDX-License-Identifier: GPL-2.0-or-later
"""The JSON Schema of smtpreply --json (docs/smtpreply.schema.json), for the
tests that read the tool's output: every line they read is checked against
it, so the schema and the output cannot drift apart."""
import json
import os

import jsonschema

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                     "smtpreply.schema.json")
with open(_PATH, encoding="utf-8") as _f:
    SCHEMA = json.load(_f)
jsonschema.Draft202012Validator.check_schema(SCHEMA)
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def problems(obj):
    """What in OBJ, one line of output, breaks the schema: a list of
    one-line messages, empty when it conforms."""
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message[:200])
            for e in _VALIDATOR.iter_errors(obj)]


def loads(line):
    """One line of --json output, parsed, after checking it conforms."""
    obj = json.loads(line)
    bad = problems(obj)
    if bad:
        raise AssertionError("output line breaks docs/smtpreply.schema.json: %s\n%s"
                             % ("; ".join(bad[:3]), line[:300]))
    return obj
