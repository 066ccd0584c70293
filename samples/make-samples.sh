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
#                                  127.0.0.5:25 (hangs up at the third error),
#                                  127.0.0.1:465, [::1]:465 (smtps: implicit TLS) and
#                                  127.0.0.8:25 (STARTTLS with TLS 1.3 only)
#   Dovecot LMTP (Debian's)        127.0.0.1:24, only when lmtp.pcap is made
#   scripted server (tools/)       127.0.0.2:25
#   Exim 4.96 (Debian 12's)        127.0.0.6:25, only when exim.pcap is made, run
#                                  with chroot in a Debian 12 root of its own
#                                  ($ROOTS/exim, made with mmdebstrap when missing):
#                                  Exim and Postfix cannot both be installed
#   aiosmtpd (Debian's, tools/)    127.0.0.7:25, only when aiosmtpd.pcap is made
# Clients bind fixed source ports (40001 and up) so that each capture holds
# only its own connections even when other programs use the loopback.
# The TLS captures (and their key logs) go to tls/, not here: see
# tls/README.md.
#
# Not run by CI: the captures are committed.  The expected-replies files in
# expected/ are written and checked by hand; this script never touches them.
set -euo pipefail

SAMPLES=$(cd "$(dirname "$0")" && pwd)
TOOLS=$SAMPLES/tools
TLS=$SAMPLES/tls             # the TLS captures and their key logs
PY=/usr/bin/python3
CONF=/etc/postfix
OWN=$CONF/smtpreply          # maps, certificate and SASL db of the samples
DOVE=/etc/dovecot/smtpreply  # the Dovecot instance's own config and users
DOVE_CONF=$DOVE/dovecot.conf
DOVE_MAIL=/var/lib/smtpreply-dovecot  # its mailboxes: scratch, emptied each run
ROOTS=${SMTPREPLY_ROOTS:-/var/cache/smtpreply-roots}  # as scripts/wireshark-matrix
EXIM_ROOT=$ROOTS/exim        # the Debian 12 root Exim runs in
MIRROR=${SMTPREPLY_MIRROR:-http://deb.debian.org/debian}
WANT=("$@")

die() { echo "make-samples: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, runs Postfix, Dovecot, Exim and aiosmtpd, captures on lo)"

wanted() {
    [ ${#WANT[@]} -eq 0 ] && return 0
    local w
    for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

# Whether any Postfix capture is wanted: the others (Dovecot, Exim,
# aiosmtpd, the scripted server, the rewritten ones) need neither Postfix's
# configuration nor its listeners.
postfix_wanted() {
    [ ${#WANT[@]} -eq 0 ] && return 0
    local w
    for w in "${WANT[@]}"; do
        case $w in
            lmtp|exim|aiosmtpd|scripted-*|rewritten-*|starttls-tls13-aes128-dsb) ;;
            *) return 0 ;;
        esac
    done
    return 1
}

# ---------------------------------------------------------------- packages

install_packages() {
    local need=()
    local p
    for p in postfix swaks tcpdump tshark sasl2-bin libsasl2-modules openssl \
             python3 libnet-ssleay-perl libio-socket-inet6-perl \
             dovecot-core dovecot-lmtpd python3-aiosmtpd; do
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
    # A CA that signed nothing here: starttls-bad-cert.pcap's client
    # verifies Postfix's certificate against it, and fails.  Its key is
    # thrown away.
    if [ ! -s "$OWN/other-ca.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
            -subj "/CN=smtpreply other CA" \
            -keyout /dev/null -out "$OWN/other-ca.pem" 2>/dev/null
    fi

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
# tls/smtps-465.pcap: implicit TLS (RFC 8314), the handshake before the
# greeting.
smtps      inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
# tls/starttls-bad-version.pcap: STARTTLS offered, but only TLS 1.3 taken,
# so a client that offers TLS 1.2 at most gets a protocol_version alert.
127.0.0.8:smtp inet n   -       n       -       -       smtpd
  -o syslog_name=postfix/tls13only
  -o smtpd_tls_protocols=>=TLSv1.3
  -o smtpd_tls_mandatory_protocols=>=TLSv1.3
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

POSTFIX_UP=

start_postfix() {
    POSTFIX_UP=1
    postfix stop >/dev/null 2>&1 || true
    sleep 1
    local ap
    for ap in 127.0.0.1:25 127.0.0.1:587 '[::1]:25' 127.0.0.3:25 127.0.0.4:25 127.0.0.5:25 \
              127.0.0.1:465 127.0.0.8:25; do
        port_busy "${ap%:*}" "${ap##*:}" && die "$ap is already in use; stop whatever listens there first"
    done
    postfix start
    local i
    for i in $(seq 50); do
        port_busy 127.0.0.1 25 && port_busy 127.0.0.1 587 && port_busy '[::1]' 25 \
            && port_busy 127.0.0.3 25 && port_busy 127.0.0.4 25 \
            && port_busy 127.0.0.5 25 && port_busy 127.0.0.1 465 \
            && port_busy 127.0.0.8 25 && return 0
        sleep 0.2
    done
    die "Postfix did not start listening (see /var/log/postfix-smtpreply.log)"
}

stop_postfix() {
    [ -n "$POSTFIX_UP" ] || return 0
    postfix stop >/dev/null 2>&1 || true
    POSTFIX_UP=
}

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

# ---------------------------------------------------------------- Exim

# Debian treats Exim and Postfix as alternatives (both provide
# mail-transport-agent): installing exim4 here would remove Postfix.  So
# Exim runs in a Debian 12 root of its own, $EXIM_ROOT, made with
# mmdebstrap from Debian's archive as scripts/wireshark-matrix makes its
# roots, and entered with chroot.  A chroot shares the host's network, so
# Exim listens on the host's loopback.  The root is made only when it is
# missing or its package list changed (about 40 s); nothing in it is
# installed on the host.
EXIM_PACKAGES=(exim4-daemon-light)
EXIM_PID=

make_exim_root() {
    local want
    want=$(printf '%s\n' bookworm "$MIRROR" "${EXIM_PACKAGES[@]}")
    if [ -f "$EXIM_ROOT/.smtpreply-root" ] && [ "$(cat "$EXIM_ROOT/.smtpreply-root")" = "$want" ]; then
        return 0
    fi
    if ! command -v mmdebstrap >/dev/null; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 mmdebstrap
    fi
    echo "  making $EXIM_ROOT (Debian 12 and ${EXIM_PACKAGES[*]}) with mmdebstrap"
    rm -rf "$EXIM_ROOT" "$EXIM_ROOT.tmp"
    mkdir -p "$ROOTS"
    mmdebstrap --variant=apt --include="$(IFS=,; echo "${EXIM_PACKAGES[*]}")" \
        bookworm "$EXIM_ROOT.tmp" "$MIRROR" >"$ROOTS/exim.log" 2>&1 \
        || { tail -n 20 "$ROOTS/exim.log" >&2; die "mmdebstrap failed (log: $ROOTS/exim.log)"; }
    printf '%s\n' "$want" >"$EXIM_ROOT.tmp/.smtpreply-root"
    mv "$EXIM_ROOT.tmp" "$EXIM_ROOT"
}

# Entering the root: /proc and /dev mounted in a mount namespace of its own
# (so that nothing stays mounted once its last process ends), then chroot.
EXIM_ENTER='root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"'

in_exim_root() {
    unshare --mount --propagation private -- sh -c "$EXIM_ENTER" sh "$EXIM_ROOT" "$@"
}

configure_exim() {
    # Debian's exim4 reads /etc/exim4/exim4.conf, when it exists, instead of
    # the file update-exim4.conf generates: this root is ours, so the
    # configuration goes there and Exim needs no -C.
    cat > "$EXIM_ROOT/etc/exim4/exim4.conf" <<'EOF'
# Written by smtpreply samples/make-samples.sh: a loopback-only Exim whose
# only purpose is to produce sample SMTP replies (exim.pcap).  It is Exim's
# default configuration (src/configure.default; in this root
# /usr/share/doc/exim4-base/examples/example.conf) without its comments,
# so the replies are worded as in a default Exim.  What differs is marked
# "smtpreply:".

# smtpreply: the host name, one address and port, and no DNS at all (no
# host_lookup, no dnslookup router): all traffic stays on the loopback.
primary_hostname = exim.example.test
local_interfaces = <; 127.0.0.6
daemon_smtp_ports = 25
host_lookup =
pid_file_path = /run/exim-smtpreply.pid
# smtpreply: no environment for the processes it runs (and no warning that
# it was purged).
keep_environment =

# smtpreply: the local domain is example.test (the default: the host name),
# and no host may relay (the default lets localhost relay).
domainlist local_domains = example.test
domainlist relay_to_domains =
hostlist   relay_from_hosts =

acl_smtp_rcpt =         acl_check_rcpt
.ifdef _HAVE_PRDR
acl_smtp_data_prdr =    acl_check_prdr
.endif
acl_smtp_data =         acl_check_data
never_users = root
.ifdef _HAVE_PRDR
prdr_enable = true
.endif
log_selector = +smtp_protocol_error +smtp_syntax_error \
        +tls_certificate_verified
ignore_bounce_errors_after = 2d
timeout_frozen_after = 7d

begin acl

acl_check_rcpt:
  accept  hosts = :
          control = dkim_disable_verify
  deny    message       = Restricted characters in address
          domains       = +local_domains
          local_parts   = ^[.] : ^.*[@%!/|]
  deny    message       = Restricted characters in address
          domains       = !+local_domains
          local_parts   = ^[./|] : ^.*[@%!] : ^.*/\\.\\./
  accept  local_parts   = postmaster
          domains       = +local_domains
  require verify        = sender
  deny    condition     = ${if and {\
                        {>{$rcpt_count}{10}}\
                        {<{$recipients_count}{${eval:$rcpt_count/2}}} }}
          message       = Rejected for too many bad recipients
          logwrite      = REJECT [$sender_host_address]: bad recipient count high [${eval:$rcpt_count-$recipients_count}]
  accept  hosts         = +relay_from_hosts
          control       = submission
          control       = dkim_disable_verify
  accept  authenticated = *
          control       = submission
          control       = dkim_disable_verify
  require message = relay not permitted
          domains = +local_domains : +relay_to_domains
  require verify = recipient
  accept

.ifdef _HAVE_PRDR
acl_check_prdr:
  warn  set acl_m_did_prdr = y
  accept
.endif

acl_check_data:
  deny    condition  = ${if > {$max_received_linelength}{998}}
          message    = maximum allowed line length is 998 octets, \
                       got $max_received_linelength
  deny    !verify =     header_syntax
          message =     header syntax
          log_message = header syntax ($acl_verify_message)
  accept

begin routers

# smtpreply: instead of the default's routers (dnslookup for other domains;
# /etc/aliases, .forward files and the system's users for the local one),
# one router for the users alice, bob and carol, whose mail is discarded.
# Its cannot_route_message is the default localuser router's: any other
# name at example.test fails recipient verification as "Unknown user".
known_users:
  driver = redirect
  domains = +local_domains
  local_parts = alice : bob : carol
  data = :blackhole:
  cannot_route_message = Unknown user

begin transports

begin retry

*                      *           F,2h,15m; G,16h,1h,1.5; F,4d,6h

begin rewrite

begin authenticators
EOF
    # A name server on the loopback, where none listens: should Exim ever
    # look a name up, the query stays on lo and the reply shows a 4yz
    # (the client then fails) instead of the host's resolver being asked.
    echo "nameserver 127.0.0.1" > "$EXIM_ROOT/etc/resolv.conf"
    in_exim_root exim4 -bV >/dev/null || die "Exim rejects its configuration"
}

start_exim() {
    stop_exim
    port_busy 127.0.0.6 25 && die "127.0.0.6:25 is already in use; stop whatever listens there first"
    # -bdf: the daemon, in the foreground, so that its pid is this job's
    # (unshare, sh, chroot and env each exec the next).
    unshare --mount --propagation private -- sh -c "$EXIM_ENTER" sh "$EXIM_ROOT" exim4 -bdf &
    EXIM_PID=$!
    wait_listening 127.0.0.6 "$EXIM_PID" \
        || die "Exim did not start listening (see $EXIM_ROOT/var/log/exim4/mainlog and paniclog)"
}

# Waits until ADDR:25 listens while PID lives; fails after 10 s or if it died.
wait_listening() {
    local i
    for i in $(seq 50); do
        port_busy "$1" 25 && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

stop_exim() {
    [ -n "$EXIM_PID" ] || return 0
    kill -TERM "$EXIM_PID" 2>/dev/null || true
    wait "$EXIM_PID" 2>/dev/null || true
    EXIM_PID=
    local i
    for i in $(seq 50); do
        port_busy 127.0.0.6 25 || return 0
        sleep 0.2
    done
}

# ---------------------------------------------------------------- aiosmtpd

# Debian's python3-aiosmtpd, run by tools/aiosmtpd_server.py on
# 127.0.0.7:25 (its handler decides the RCPTs, aiosmtpd words the rest).
AIOSMTPD_PID=

start_aiosmtpd() {
    stop_aiosmtpd
    port_busy 127.0.0.7 25 && die "127.0.0.7:25 is already in use; stop whatever listens there first"
    $PY "$TOOLS/aiosmtpd_server.py" 127.0.0.7 25 &
    AIOSMTPD_PID=$!
    wait_listening 127.0.0.7 "$AIOSMTPD_PID" || die "aiosmtpd did not start listening"
}

stop_aiosmtpd() {
    [ -n "$AIOSMTPD_PID" ] || return 0
    kill -TERM "$AIOSMTPD_PID" 2>/dev/null || true
    wait "$AIOSMTPD_PID" 2>/dev/null || true
    AIOSMTPD_PID=
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
    stop_exim
    stop_aiosmtpd
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

# ---------------------------------------------------------------- TLS scenarios

# tls NAME SCENARIO SERVER PORT CLIENT_PORT: tls/NAME.pcap from
# tools/tls_client.py SCENARIO, with the session's secrets in tls/NAME.keys
# (no key log for the handshakes that fail).
tls() {
    local name=$1 scenario=$2 server=$3 port=$4 cport=$5 keys=$TLS/$1.keys
    wanted "$name" || return 0
    case $scenario in bad-*) keys=- ;; esac
    capture_start "$TLS/$name.pcap" "$(conn "$server" "$port" "$cport")"
    $PY "$TOOLS/tls_client.py" "$scenario" "$server" "$port" "$cport" "$keys"
    capture_stop
    if [ "$keys" != - ]; then
        chown --reference="$SAMPLES" "$keys"
        chmod 644 "$keys"
    fi
}

tls_scenarios() {
    mkdir -p "$TLS"
    chown --reference="$SAMPLES" "$TLS"
    # STARTTLS on 127.0.0.1:25, version and suite forced by the client.
    tls starttls-tls12-aes-gcm tls12-aes-gcm 127.0.0.1 25 40301
    tls starttls-tls12-chacha tls12-chacha 127.0.0.1 25 40302
    tls starttls-tls13-aes128 tls13-aes128 127.0.0.1 25 40303
    tls starttls-tls13-aes256 tls13-aes256 127.0.0.1 25 40304
    tls starttls-tls13-chacha tls13-chacha 127.0.0.1 25 40305
    # openssl s_client: a KeyUpdate from the client, answered by Postfix's.
    tls starttls-tls13-keyupdate keyupdate 127.0.0.1 25 40306
    # Postfix's smtps service: TLS from the first byte, TLS 1.3.
    tls smtps-465 smtps 127.0.0.1 465 40307
    # 127.0.0.8 takes TLS 1.3 only; the client offers TLS 1.2 only.
    tls starttls-bad-version bad-version 127.0.0.8 25 40308
    # TLS 1.2 (the certificate in clear), verified against another CA.
    tls starttls-bad-cert bad-cert 127.0.0.1 25 40309
    # TLS 1.2 CBC with HMAC: Encrypt-then-MAC (OpenSSL's default), then
    # MAC-then-encrypt (the client turns encrypt_then_mac off).
    tls starttls-tls12-cbc-sha256 tls12-cbc-sha256 127.0.0.1 25 40310
    tls starttls-tls12-cbc-sha-mte tls12-cbc-sha-mte 127.0.0.1 25 40311
}

# The aes128 capture again as pcapng, with its key log inside (a Decryption
# Secrets Block), so that it decrypts without a key log file.  Made from
# the recorded capture, not recorded: make it again whenever
# starttls-tls13-aes128 is recorded again.
tls_dsb() {
    wanted starttls-tls13-aes128-dsb || return 0
    local src=$TLS/starttls-tls13-aes128
    [ -s "$src.pcap" ] && [ -s "$src.keys" ] || die "starttls-tls13-aes128-dsb needs starttls-tls13-aes128.pcap and .keys"
    editcap -F pcapng --inject-secrets "tls,$src.keys" "$src.pcap" "$src-dsb.pcapng"
    chown --reference="$SAMPLES" "$src-dsb.pcapng"
    chmod 644 "$src-dsb.pcapng"
    echo "  $(basename "$src-dsb.pcapng"): $(stat -c %s "$src-dsb.pcapng") bytes"
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

# ---------------------------------------------------------------- Exim and aiosmtpd scenarios

exim_scenarios() {
    # Only exim.pcap needs Exim (and its root).
    wanted exim || return 0
    make_exim_root
    configure_exim
    start_exim
    capture_start "$SAMPLES/exim.pcap" "$(conn 127.0.0.6 25 40028)"
    $PY "$TOOLS/mta_client.py" exim 127.0.0.6 25 40028
    capture_stop
    stop_exim
}

aiosmtpd_scenarios() {
    wanted aiosmtpd || return 0
    start_aiosmtpd
    capture_start "$SAMPLES/aiosmtpd.pcap" "$(conn 127.0.0.7 25 40027)"
    $PY "$TOOLS/mta_client.py" aiosmtpd 127.0.0.7 25 40027
    capture_stop
    stop_aiosmtpd
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
if postfix_wanted; then
    configure_postfix
    start_postfix
    echo "Postfix scenarios:"
    postfix_scenarios
    echo "TLS scenarios:"
    tls_scenarios
    stop_postfix
fi
tls_dsb
echo "Dovecot scenarios:"
dovecot_scenarios
echo "Exim and aiosmtpd scenarios:"
exim_scenarios
aiosmtpd_scenarios
echo "Scripted server scenarios:"
scripted_scenarios
echo "Rewritten captures:"
rewritten_scenarios
echo "Done.  Check each capture against expected/ by hand (see expected/README.md)."
