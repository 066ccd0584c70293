# SPDX-License-Identifier: GPL-2.0-or-later
"""Wire bytes as this project shows them, worked out here without its code:
the tests of the capture tool and of the plugin compare with these.  The
rules are sr_escape.c's: valid UTF-8 as it is, controls and bytes that are
not UTF-8 escaped (text), or read as Latin-1 (JSON)."""


def utf8_length(b, i):
    """Length of the well-formed UTF-8 sequence at b[i], or 0 (as sr_escape.c)."""
    b0 = b[i]
    if b0 < 0x80:
        return 1
    if 0xC2 <= b0 <= 0xDF:
        need, lo, hi = 2, 0x80, 0xBF
    elif 0xE0 <= b0 <= 0xEF:
        need, lo, hi = 3, 0xA0 if b0 == 0xE0 else 0x80, 0x9F if b0 == 0xED else 0xBF
    elif 0xF0 <= b0 <= 0xF4:
        need, lo, hi = 4, 0x90 if b0 == 0xF0 else 0x80, 0x8F if b0 == 0xF4 else 0xBF
    else:
        return 0
    if len(b) - i < need or not lo <= b[i + 1] <= hi:
        return 0
    if any(b[i + k] & 0xC0 != 0x80 for k in range(2, need)):
        return 0
    return need


def json_text(raw):
    """The string the tool's JSON must carry for RAW bytes: valid UTF-8 as
    itself, any other byte as the Latin-1 character."""
    out, i = [], 0
    while i < len(raw):
        n = utf8_length(raw, i)
        if n <= 1:
            out.append(chr(raw[i]))
            i += 1
        else:
            out.append(raw[i:i + n].decode("utf-8"))
            i += n
    return "".join(out)


def text_escape(raw):
    """What the text output must show for RAW bytes (as sr_escape.c)."""
    out, i = [], 0
    named = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}
    while i < len(raw):
        n = utf8_length(raw, i)
        if n == 2 and raw[i] == 0xC2 and raw[i + 1] < 0xA0:
            out.append("\\x%02x\\x%02x" % (raw[i], raw[i + 1]))
        elif n > 1:
            out.append(raw[i:i + n].decode("utf-8"))
        elif raw[i] in named:
            out.append(named[raw[i]])
        elif raw[i] < 0x20 or raw[i] >= 0x7F:
            out.append("\\x%02x" % raw[i])
        else:
            out.append(chr(raw[i]))
        i += max(n, 1)
    return "".join(out)
