#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The decoder as a third party gets it: installed from BUILD_DIR into a
# scratch prefix, docs/example-decode.c compiled with nothing but what
# pkg-config says of libsmtpreply, then run on a server's bytes.
set -eu
build=$1 top=$2 cc=${3:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/usr" --component tool >/dev/null
pc=$(find "$work/usr" -name libsmtpreply.pc)
[ -n "$pc" ] || { echo "FAIL: no libsmtpreply.pc installed"; exit 1; }
export PKG_CONFIG_PATH="${pc%/*}"
# The readers' state stays inside: its header is not installed, and the
# plugin and the tool use what is, as any other program would.
if find "$work/usr" -name sr_internal.h | grep -q .; then
    echo "FAIL: sr_internal.h was installed"
    exit 1
fi
if grep -l 'sr_internal\.h' "$top"/plugin/*.[ch] "$top"/capture-tool/*.[ch]; then
    echo "FAIL: a front end includes sr_internal.h (above)"
    exit 1
fi
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror "$top/docs/example-decode.c" \
    $(pkg-config --cflags --libs libsmtpreply) -o "$work/example-decode"

printf '220 mail.example ESMTP\r\n250-mail.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n550 5.1.1 <bob@example.org>: User unknown\r\n354 go on\n421 4.4.2 bye' \
    | "$work/example-decode" >"$work/out"
cat >"$work/want" <<'WANT'
220 Positive Completion, enhanced -, 1 line
  | mail.example ESMTP
250 Positive Completion, enhanced -, 3 lines
  | mail.example
  | PIPELINING
  | SIZE 1000
550 Permanent Negative, enhanced 5.1.1, 1 line
  | 5.1.1 <bob@example.org>: User unknown
354 Positive Intermediate, enhanced -, 1 line
  | go on
  anomaly: bare-lf
421 Transient Negative, enhanced 4.4.2, 1 line, incomplete
  | 4.4.2 bye
  anomaly: unterminated-line
  anomaly: incomplete-reply
WANT
if ! diff -u "$work/want" "$work/out"; then
    echo "FAIL: example-decode's output differs"
    exit 1
fi
echo "example-decode: built from the installed libsmtpreply with pkg-config, output as expected"
