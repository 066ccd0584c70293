#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Records the sample captures in this directory from real mail software.
#
#   sudo bash samples/make-samples.sh            # every capture
#   sudo bash samples/make-samples.sh NAME...    # only these (basename, no extension)
#
# Root on Debian 12.  Idempotent: it can be run again at any time and
# overwrites the captures it makes.  All traffic stays on loopback:
#   Postfix (Debian's package)     127.0.0.1:25, [::1]:25, 127.0.0.1:587,
#                                  127.0.0.3:25 (no VRFY, TLS or AUTH there),
#                                  127.0.0.4:25 (no error limits, any local user) and
#                                  127.0.0.5:25 (hangs up at the third error)
#   Dovecot LMTP (Debian's)        127.0.0.1:24, only when lmtp.pcap is made
#   scripted server (tools/)       127.0.0.2:25
# Clients bind fixed source ports (40001 and up) so that each capture holds
# only its own connections even when other programs use the loopback.
#
# Not run by CI: the captures are committed.  The expected-replies files in
# expected/ are written and checked by hand; this script never touches them.
set -euo pipefail

SAMPLES=$(cd "$(dirname "$0")" && pwd)
TOOLS=$SAMPLES/tools
PY=/usr/bin/python3
CONF=/etc/postfix
OWN=$CONF/smtpreply          # maps, certificate and SASL db of the samples
DOVE=/etc/dovecot/smtpreply  # the Dovecot instance's own config and users
DOVE_CONF=$DOVE/dovecot.conf
DOVE_MAIL=/var/lib/smtpreply-dovecot  # its mailboxes: scratch, emptied each run
WANT=("$@")

die() { echo "make-samples: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, runs Postfix and Dovecot, captures on lo)"

wanted() {
    [ ${#WANT[@]} -eq 0 ] && return 0
    local w
    for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

# ---------------------------------------------------------------- packages

install_packages() {
    local need=()
    local p
    for p in postfix swaks tcpdump tshark sasl2-bin libsasl2-modules openssl \
             python3 libnet-ssleay-perl libio-socket-inet6-perl \
             dovecot-core dovecot-lmtpd; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    # "No configuration": the package leaves main.cf to us.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${need[@]}"
}

# ---------------------------------------------------------------- Postfix

configure_postfix() {
    mkdir -p "$OWN"

    # Local recipients: anyone else in example.test is "User unknown" (550 5.1.1).
    printf '%s\n' "alice OK" "bob OK" "carol OK" "dave OK" "erin OK" "frank OK" \
        "busy OK" "postmaster OK" > "$OWN/recipients"
    # A temporary failure with an enhanced code (450 4.2.0).
    printf '%s\n' "busy@example.test 450 4.2.0 Mailbox busy, try again later" \
        > "$OWN/recipient_access"

    if [ ! -s "$OWN/cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
            -subj "/CN=mail.example.test" \
            -keyout "$OWN/key.pem" -out "$OWN/cert.pem" 2>/dev/null
    fi
    chmod 600 "$OWN/key.pem"

    # AUTH through Cyrus SASL with its own sasldb (passwords are sample-only).
    rm -f "$OWN/sasldb2"
    echo "wonderland" | saslpasswd2 -p -c -f "$OWN/sasldb2" -u example.test alice
    chown root:postfix "$OWN/sasldb2"
    chmod 640 "$OWN/sasldb2"
    mkdir -p "$CONF/sasl"
    cat > "$CONF/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN CRAM-MD5
sasldb_path: $OWN/sasldb2
EOF

    cat > "$CONF/main.cf" <<EOF
# Written by smtpreply samples/make-samples.sh: a loopback-only Postfix whose
# only purpose is to produce sample SMTP replies.  Mail it accepts is discarded.
compatibility_level = 3.6
myhostname = mail.example.test
mydomain = example.test
myorigin = \$mydomain
mydestination = example.test, mail.example.test
inet_interfaces = 127.0.0.1, [::1]
inet_protocols = all
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = \$myhostname ESMTP \$mail_name
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
maillog_file = /var/log/postfix-smtpreply.log
smtpd_peername_lookup = no
local_recipient_maps = texthash:$OWN/recipients
local_transport = discard:smtpreply sample
default_transport = discard:smtpreply sample
relay_transport = discard:smtpreply sample
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$OWN/recipient_access
message_size_limit = 1048576
smtpd_recipient_limit = 5
disable_vrfy_command = no
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
smtpd_tls_cert_file = $OWN/cert.pem
smtpd_tls_key_file = $OWN/key.pem
smtpd_tls_security_level = may
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = example.test
cyrus_sasl_config_path = $CONF/sasl
broken_sasl_auth_clients = no
# Port 587 only: a small size limit and a second reply line on every
# rejection, so real Postfix shows multiline 4yz/5yz replies.
EOF

    # No chroot: the SASL db and the maps are read where they are.
    cat > "$CONF/master.cf" <<'EOF'
# Written by smtpreply samples/make-samples.sh.
smtp       inet  n       -       n       -       -       smtpd
submission inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o message_size_limit=8192
  -o { smtpd_reject_footer = For assistance, contact postmaster@example.test. }
127.0.0.3:smtp inet n   -       n       -       -       smtpd
  -o syslog_name=postfix/restricted
  -o disable_vrfy_command=yes
  -o smtpd_tls_security_level=none
  -o smtpd_sasl_auth_enable=no
# pipelined-burst.pcap: 10,000 RCPTs in one go.  Past the five recipients of
# smtpd_recipient_limit each RCPT gets 452 4.5.3; past 1,000 such excess
# recipients (smtpd_recipient_overshoot_limit) each also counts as an error,
# and at smtpd_hard_error_limit Postfix hangs up (it did with 1,300 RCPTs on
# 127.0.0.1).  Here neither limit is reached, nor the soft limit's error
# sleep.  Any name at example.test is a local user here (no recipient
# map), so the first five are accepted and the rest meet the limit.
127.0.0.4:smtp inet n   -       n       -       -       smtpd
  -o syslog_name=postfix/burst
  -o local_recipient_maps=
  -o smtpd_soft_error_limit=20000
  -o smtpd_hard_error_limit=20000
  -o smtpd_recipient_overshoot_limit=20000
  -o smtpd_error_sleep_time=0
# too-many-errors.pcap: at the third error (smtpd_hard_error_limit) Postfix
# sends "421 4.7.0 mail.example.test Error: too many errors" without waiting
# for another command, and hangs up.  The soft limit (100) is never reached.
127.0.0.5:smtp inet n   -       n       -       -       smtpd
  -o syslog_name=postfix/errors
  -o smtpd_hard_error_limit=3
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
local      unix  -       n       n       -       -       local
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
    postfix set-permissions >/dev/null 2>&1 || true
    postfix check
}

port_busy() {   # ADDR PORT: something other than Postfix listens there
    ss -Hltn "sport = :$2" | awk '{print $4}' | grep -qxF "$1:$2"
}

start_postfix() {
    postfix stop >/dev/null 2>&1 || true
    sleep 1
    local ap
    for ap in 127.0.0.1:25 127.0.0.1:587 '[::1]:25' 127.0.0.3:25 127.0.0.4:25 127.0.0.5:25; do
        port_busy "${ap%:*}" "${ap##*:}" && die "$ap is already in use; stop whatever listens there first"
    done
    postfix start
    local i
    for i in $(seq 50); do
        port_busy 127.0.0.1 25 && port_busy 127.0.0.1 587 && port_busy '[::1]' 25 \
            && port_busy 127.0.0.3 25 && port_busy 127.0.0.4 25 \
            && port_busy 127.0.0.5 25 && return 0
        sleep 0.2
    done
    die "Postfix did not start listening (see /var/log/postfix-smtpreply.log)"
}

stop_postfix() { postfix stop >/dev/null 2>&1 || true; }

# ---------------------------------------------------------------- Dovecot

# A Dovecot instance of its own: its own config (no /etc/dovecot/conf.d),
# base_dir, log and mailboxes, so that it neither needs nor disturbs the
# package's default instance.  Only LMTP, on TCP 127.0.0.1:24.
configure_dovecot() {
    mkdir -p "$DOVE"

    # passwd-file users (no passwords: LMTP only looks users up).  carol's
    # quota, 100 bytes, is smaller than any message lmtp_client.py sends, so
    # every delivery to her fails with "Quota exceeded" after the message.
    printf '%s\n' "alice:::::::" "bob:::::::" "dave:::::::" \
        "carol:::::::userdb_quota_rule=*:storage=100B" > "$DOVE/users"

    # Fresh mailboxes on every run: the replies (quota above all) do not
    # depend on what earlier runs delivered.
    rm -rf "$DOVE_MAIL"
    mkdir -p "$DOVE_MAIL"
    chown mail:mail "$DOVE_MAIL"

    cat > "$DOVE_CONF" <<EOF
# Written by smtpreply samples/make-samples.sh: a loopback-only Dovecot whose
# only purpose is to produce sample LMTP replies.
instance_name = smtpreply
base_dir = /run/dovecot-smtpreply
log_path = /var/log/dovecot-smtpreply.log
protocols = lmtp
ssl = no
hostname = mail.example.test
# Mail is stored as the system user "mail" (uid 8), so no user is created.
first_valid_uid = 8
last_valid_uid = 8
mail_uid = mail
mail_gid = mail
mail_location = maildir:$DOVE_MAIL/%n/Maildir
mail_plugins = quota
# Quota is checked when the message is saved, not at RCPT: the over-quota
# recipient is accepted at RCPT and refused in the replies after the message
# (552 5.2.2, permanent, as quota_full_tempfail = no).
lmtp_rcpt_check_quota = no
quota_full_tempfail = no
# Recipients are user@example.test; the file holds the local part.  The
# auth process will not start without a passdb, although nothing here logs
# in (no login service, no passwords in the file).
passdb {
  driver = passwd-file
  args = username_format=%n $DOVE/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $DOVE/users
  default_fields = home=$DOVE_MAIL/%n
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=1M
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 24
  }
}
EOF
    dovecot -c "$DOVE_CONF" -n >/dev/null
}

start_dovecot() {
    stop_dovecot
    port_busy 127.0.0.1 24 && die "127.0.0.1:24 is already in use; stop whatever listens there first"
    dovecot -c "$DOVE_CONF"
    local i
    for i in $(seq 50); do
        port_busy 127.0.0.1 24 && return 0
        sleep 0.2
    done
    die "Dovecot did not start listening (see /var/log/dovecot-smtpreply.log)"
}

stop_dovecot() {
    [ -f "$DOVE_CONF" ] || return 0
    dovecot -c "$DOVE_CONF" stop >/dev/null 2>&1 || true
    # Until the listener is gone, so that a next start finds the port free.
    local i
    for i in $(seq 50); do
        port_busy 127.0.0.1 24 || return 0
        sleep 0.2
    done
}

# ---------------------------------------------------------------- capturing

CAP_PID=
CAP_FILE=

# capture_start FILE FILTER [pcapng]
capture_start() {
    CAP_FILE=$1
    rm -f "$CAP_FILE"
    local err
    err=$(mktemp)
    if [ "${3:-}" = pcapng ]; then
        # dumpcap writes pcapng natively.
        dumpcap -q -i lo -f "$2" -w "$CAP_FILE" 2>"$err" &
    else
        tcpdump -i lo -U -s 0 -w "$CAP_FILE" "$2" 2>"$err" &
    fi
    CAP_PID=$!
    local i
    for i in $(seq 50); do
        grep -qiE 'listening on|capturing on' "$err" && break
        kill -0 "$CAP_PID" 2>/dev/null || { cat "$err" >&2; die "capture of $CAP_FILE failed"; }
        sleep 0.1
    done
    # dumpcap prints its banner before the filter is live.
    sleep 0.5
    rm -f "$err"
}

capture_stop() {
    # Packets reach the capture with some delay: wait until the file stops growing.
    local last=-1 size
    sleep 1
    while :; do
        size=$(stat -c %s "$CAP_FILE" 2>/dev/null || echo 0)
        [ "$size" = "$last" ] && break
        last=$size
        sleep 1
    done
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    CAP_PID=
    [ -s "$CAP_FILE" ] || die "no capture written to $CAP_FILE"
    chown --reference="$SAMPLES" "$CAP_FILE"
    chmod 644 "$CAP_FILE"
    echo "  $(basename "$CAP_FILE"): $(stat -c %s "$CAP_FILE") bytes"
}

cleanup() {
    [ -n "$CAP_PID" ] && kill -INT "$CAP_PID" 2>/dev/null || true
    stop_postfix
    stop_dovecot
}
trap cleanup EXIT

# The filter for one connection from client port PORT to server SERVER:SPORT.
conn() { echo "tcp and host $1 and port $2 and port $3"; }

SWAKS=(swaks --helo client.example.test --from alice@example.test
       --header "Subject: smtpreply sample" --header "X-Mailer: smtpreply samples"
       --timeout 20)

# ---------------------------------------------------------------- Postfix scenarios

postfix_scenarios() {
    local o=$SAMPLES

    if wanted ehlo; then
        capture_start "$o/ehlo.pcap" "$(conn 127.0.0.1 25 40001)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40001 --to bob@example.test \
            --quit-after EHLO >/dev/null
        capture_stop
    fi

    if wanted delivery; then
        capture_start "$o/delivery.pcap" "$(conn 127.0.0.1 25 40002)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40002 --to bob@example.test \
            --body "Hello Bob, this is one message delivered by swaks to Postfix." >/dev/null
        capture_stop
    fi

    if wanted pipelining; then
        capture_start "$o/pipelining.pcap" "$(conn 127.0.0.1 25 40003)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40003 --pipeline \
            --to bob@example.test,carol@example.test,nobody@example.test \
            --body "Pipelined delivery to two recipients, one unknown." >/dev/null || true
        capture_stop
    fi

    if wanted unknown-user; then
        capture_start "$o/unknown-user.pcap" "$(conn 127.0.0.1 25 40004)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40004 --to nobody@example.test \
            >/dev/null || true
        capture_stop
    fi

    if wanted relay-denied; then
        capture_start "$o/relay-denied.pcap" "$(conn 127.0.0.1 25 40005)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40005 --to someone@elsewhere.test \
            >/dev/null || true
        capture_stop
    fi

    if wanted syntax-errors; then
        # Port 25 of 127.0.0.1, then of 127.0.0.3 where VRFY, STARTTLS and AUTH are off.
        capture_start "$o/syntax-errors.pcap" "tcp and port 25 and (port 40006 or port 40022)"
        $PY "$TOOLS/postfix_client.py" syntax-errors 127.0.0.1 25 40006
        $PY "$TOOLS/postfix_client.py" disabled-commands 127.0.0.3 25 40022
        capture_stop
    fi

    if wanted bad-sequence; then
        capture_start "$o/bad-sequence.pcap" "$(conn 127.0.0.1 25 40007)"
        $PY "$TOOLS/postfix_client.py" bad-sequence 127.0.0.1 25 40007
        capture_stop
    fi

    if wanted too-large; then
        # Two connections: SIZE= over the limit refused at MAIL (port 25), and a
        # body over port 587's 8 KB limit refused after the final dot.
        capture_start "$o/too-large.pcap" "tcp and host 127.0.0.1 and (port 40008 or port 40009)"
        $PY "$TOOLS/postfix_client.py" too-large-size 127.0.0.1 25 40008
        $PY "$TOOLS/postfix_client.py" too-large-body 127.0.0.1 587 40009
        capture_stop
    fi

    if wanted too-many-recipients; then
        capture_start "$o/too-many-recipients.pcap" "$(conn 127.0.0.1 25 40010)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40010 \
            --to alice@example.test,bob@example.test,carol@example.test,dave@example.test,erin@example.test,frank@example.test \
            --body "Six recipients where Postfix takes five." >/dev/null || true
        capture_stop
    fi

    if wanted temp-failure; then
        capture_start "$o/temp-failure.pcap" "$(conn 127.0.0.1 25 40011)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40011 --to busy@example.test \
            >/dev/null || true
        capture_stop
    fi

    if wanted submission-reject; then
        # Port 587 appends a footer line to every 4yz/5yz reply: multiline rejections.
        capture_start "$o/submission-reject.pcap" "$(conn 127.0.0.1 587 40012)"
        $PY "$TOOLS/postfix_client.py" submission-reject 127.0.0.1 587 40012
        capture_stop
    fi

    if wanted starttls; then
        capture_start "$o/starttls.pcap" "$(conn 127.0.0.1 25 40013)"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40013 --to bob@example.test -tls \
            --body "Delivered over STARTTLS." >/dev/null
        capture_stop
    fi

    if wanted auth; then
        # LOGIN accepted (334, 334, 235), LOGIN refused (535), CRAM-MD5 accepted.
        capture_start "$o/auth.pcap" "tcp and host 127.0.0.1 and port 25 and portrange 40014-40016"
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40014 --to someone@elsewhere.test \
            -a LOGIN --auth-user alice --auth-password wonderland \
            --body "Relayed after AUTH LOGIN." >/dev/null
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40015 --to bob@example.test \
            -a LOGIN --auth-user alice --auth-password not-the-password \
            --quit-after AUTH >/dev/null 2>&1 || true
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40016 --to bob@example.test \
            -a CRAM-MD5 --auth-user alice --auth-password wonderland \
            --quit-after AUTH >/dev/null
        capture_stop
    fi

    if wanted info-commands; then
        capture_start "$o/info-commands.pcap" "$(conn 127.0.0.1 25 40017)"
        $PY "$TOOLS/postfix_client.py" info-commands 127.0.0.1 25 40017
        capture_stop
    fi

    if wanted bdat; then
        capture_start "$o/bdat.pcap" "$(conn 127.0.0.1 25 40018)"
        $PY "$TOOLS/postfix_client.py" bdat 127.0.0.1 25 40018
        capture_stop
    fi

    if wanted large-message; then
        # The body goes out in 1448-byte sends: the data phase spans many segments.
        capture_start "$o/large-message.pcap" "$(conn 127.0.0.1 25 40019)"
        $PY "$TOOLS/postfix_client.py" large-message 127.0.0.1 25 40019 2>/dev/null
        capture_stop
    fi

    if wanted ipv6; then
        capture_start "$o/ipv6.pcap" "tcp and host ::1 and port 25 and port 40020"
        "${SWAKS[@]}" -s ::1 -p 25 -li '[::1]:40020' --to bob@example.test \
            --body "Delivered over IPv6 loopback." >/dev/null
        capture_stop
    fi

    if wanted helo-pcapng; then
        capture_start "$o/helo-pcapng.pcapng" "$(conn 127.0.0.1 25 40021)" pcapng
        "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li 127.0.0.1:40021 --to bob@example.test \
            --protocol SMTP --body "Plain SMTP: HELO, not EHLO; saved as pcapng." >/dev/null
        capture_stop
    fi

    if wanted many-sessions; then
        # Twelve connections started together, so that they interleave,
        # mixing outcomes.
        capture_start "$o/many-sessions.pcap" "tcp and host 127.0.0.1 and port 25 and portrange 40101-40112"
        local i to pids=()
        for i in $(seq 1 12); do
            case $((i % 4)) in
                0) to=nobody@example.test ;;
                1) to=bob@example.test ;;
                2) to=carol@example.test,someone@elsewhere.test ;;
                3) to=busy@example.test ;;
            esac
            "${SWAKS[@]}" -s 127.0.0.1 -p 25 -li "127.0.0.1:$((40100 + i))" --to "$to" \
                --body "Session $i of many." >/dev/null 2>&1 &
            pids+=($!)
        done
        wait "${pids[@]}" || true
        capture_stop
    fi

    if wanted pipelined-burst; then
        # 127.0.0.4: the listener without error limits (see master.cf above).
        capture_start "$o/pipelined-burst.pcap" "$(conn 127.0.0.4 25 40024)"
        $PY "$TOOLS/postfix_client.py" pipelined-burst 127.0.0.4 25 40024
        capture_stop
    fi

    if wanted early-body; then
        capture_start "$o/early-body.pcap" "$(conn 127.0.0.1 25 40025)"
        $PY "$TOOLS/postfix_client.py" early-body 127.0.0.1 25 40025
        capture_stop
    fi

    if wanted too-many-errors; then
        # 127.0.0.5: the listener that hangs up at the third error (see master.cf).
        capture_start "$o/too-many-errors.pcap" "$(conn 127.0.0.5 25 40026)"
        $PY "$TOOLS/postfix_client.py" too-many-errors 127.0.0.5 25 40026
        capture_stop
    fi
}

# ---------------------------------------------------------------- Dovecot scenarios

dovecot_scenarios() {
    # Only lmtp.pcap needs Dovecot: other runs leave port 24 alone.
    wanted lmtp || return 0
    configure_dovecot
    start_dovecot
    capture_start "$SAMPLES/lmtp.pcap" "$(conn 127.0.0.1 24 40023)"
    $PY "$TOOLS/lmtp_client.py" 127.0.0.1 24 40023
    capture_stop
    stop_dovecot
}

# ---------------------------------------------------------------- scripted server

# scripted NAME: one capture of the scripted server at 127.0.0.2:25.
scripted() {
    local name=$1 port=$2
    wanted "$name" || return 0
    port_busy 127.0.0.2 25 && die "127.0.0.2:25 is already in use"
    capture_start "$SAMPLES/$name.pcap" "$(conn 127.0.0.2 25 "$port")"
    $PY "$TOOLS/scripted_server.py" "$name" "$port"
    capture_stop
}

scripted_scenarios() {
    scripted scripted-split 40201
    scripted scripted-multiline-frames 40202
    scripted scripted-malformed 40203
    scripted scripted-unended 40204
    scripted scripted-phantom 40205
}

# ---------------------------------------------------------------- rewritten captures

rewritten_scenarios() {
    # MODE and the capture it rewrites (see tools/pcap_rewrite.py).
    local pair mode src
    for pair in out-of-order:scripted-multiline-frames retransmission:delivery \
                overlap-conflict:delivery gap:delivery gap-multiline:scripted-multiline-frames; do
        mode=${pair%%:*}
        src=$SAMPLES/${pair#*:}.pcap
        wanted "rewritten-$mode" || continue
        [ -s "$src" ] || die "rewritten-$mode needs $(basename "$src")"
        $PY "$TOOLS/pcap_rewrite.py" "$mode" "$src" "$SAMPLES/rewritten-$mode.pcap"
        chown --reference="$SAMPLES" "$SAMPLES/rewritten-$mode.pcap"
        echo "  rewritten-$mode.pcap: $(stat -c %s "$SAMPLES/rewritten-$mode.pcap") bytes"
    done
}

# ---------------------------------------------------------------- main

install_packages
configure_postfix
start_postfix
echo "Postfix scenarios:"
postfix_scenarios
stop_postfix
echo "Dovecot scenarios:"
dovecot_scenarios
echo "Scripted server scenarios:"
scripted_scenarios
echo "Rewritten captures:"
rewritten_scenarios
echo "Done.  Check each capture against expected/ by hand (see expected/README.md)."
