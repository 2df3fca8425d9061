#!/usr/bin/env bash
# Real mail servers for the end-to-end tests: Postfix (submission) + Dovecot (SASL, LMTP into Maildirs),
# on loopback high ports only, in a directory of their own. Idempotent and bounded in time.
#
#   scripts/mail-servers.sh start   install what is missing (Debian), configure, start, wait until ready
#   scripts/mail-servers.sh stop    stop both servers
#   scripts/mail-servers.sh status  print the ready file, exit 1 if the servers are not up
#
# Ports (127.0.0.1):
#   10587  STARTTLS submission, SASL only after TLS
#   10465  implicit-TLS submission (SMTPS), SASL
#   10588  offers AUTH with no TLS at all (mailcfg must refuse to log in here)
#   10025  relay without authentication for 127.0.0.1
# Users (from the original documentation, on .test domains):
#   jankowalski / Konwalia369!            (jankowalski@wp.test, login = local part, as on WP)
#   annanowak@op.test / Pierwiosnek479%   (login = full address, as on Onet)
#   annanowa@gmail.test / pvlianprlvvrnrrn (16-letter app password, as on Gmail)
# Recipients: odbiorca@odbiorcy.test (delivered), reject550@odbiorcy.test (550), tempfail@odbiorcy.test (451).
set -euo pipefail

DIR="${MAILCFG_E2E_DIR:-/var/tmp/mailcfg-e2e}"
PF="$DIR/postfix"
DV="$DIR/dovecot"
READY="$DIR/ready.json"
PORTS=(10587 10465 10588 10025)

log() { printf 'mail-servers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it installs Debian packages and starts Postfix and Dovecot)"; }

install_packages() {
  if command -v postfix >/dev/null && command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/lmtp ] && command -v openssl >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found: install postfix, dovecot-core and dovecot-lmtpd by hand"
  log "installing postfix, dovecot-core, dovecot-lmtpd, openssl from Debian"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "postfix postfix/mailname string mailcfg.test" | debconf-set-selections
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends postfix dovecot-core dovecot-lmtpd openssl >/dev/null
}

make_certs() {
  [ -s "$DIR/tls/server.pem" ] && [ -s "$DIR/tls/ca.pem" ] && return
  mkdir -p "$DIR/tls"
  (
    cd "$DIR/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=mailcfg e2e CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext.cnf -out server.pem 2>/dev/null
    chmod 600 ca.key server.key
    chmod 644 ca.pem server.pem
  )
}

write_dovecot() {
  mkdir -p "$DV/run" "$DIR/mail"
  chown mail:mail "$DIR/mail"
  cat > "$DV/passwd" <<'USERS'
jankowalski:{PLAIN}Konwalia369!
annanowak@op.test:{PLAIN}Pierwiosnek479%
annanowa@gmail.test:{PLAIN}pvlianprlvvrnrrn
USERS
  chmod 640 "$DV/passwd"
  chgrp dovecot "$DV/passwd"
  cat > "$DV/dovecot.conf" <<CONF
protocols = lmtp
base_dir = $DV/run
state_dir = $DV/state
log_path = $DIR/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
auth_mechanisms = plain login
disable_plaintext_auth = no
ssl = no
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:$DIR/mail/%u/Maildir
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
first_valid_gid = 8
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DV/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$DIR/mail/%u allow_all_users=yes
}
service auth {
  unix_listener $DV/auth {
    mode = 0666
  }
}
service lmtp {
  unix_listener $DV/lmtp {
    mode = 0666
  }
}
service anvil {
  chroot =
}
CONF
  mkdir -p "$DV/state"
}

write_postfix() {
  mkdir -p "$PF/conf" "$PF/queue" "$PF/data"
  chown root:root "$PF/queue"
  chown postfix:postfix "$PF/data"
  cat > "$PF/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.mailcfg.test
mydomain = mailcfg.test
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $DIR/postfix.log
smtputf8_enable = yes
biff = no
# Tests make errors on purpose: no tarpit.
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
virtual_mailbox_domains = wp.test op.test gmail.test odbiorcy.test
virtual_mailbox_maps = texthash:$PF/conf/mailboxes
virtual_transport = lmtp:unix:$DV/lmtp
smtpd_tls_cert_file = $DIR/tls/server.pem
smtpd_tls_key_file = $DIR/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV/auth
smtpd_sasl_auth_enable = no
smtpd_recipient_restrictions = check_recipient_access texthash:$PF/conf/recipient_access, permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination
smtpd_relay_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination
CONF
  printf 'odbiorca@odbiorcy.test x\nreject550@odbiorcy.test x\ntempfail@odbiorcy.test x\njankowalski@wp.test x\nannanowak@op.test x\nannanowa@gmail.test x\n' > "$PF/conf/mailboxes"
  printf 'reject550@odbiorcy.test 550 5.1.1 User unknown\ntempfail@odbiorcy.test 451 4.3.0 Temporary local problem, try again later\n' > "$PF/conf/recipient_access"
  # Only the services the tests use; chroot off everywhere (the queue lives outside /var/spool).
  cat > "$PF/conf/master.cf" <<'CONF'
127.0.0.1:10587 inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=yes
127.0.0.1:10465 inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:10588 inet n - n - - smtpd
  -o syslog_name=postfix/cleartext-auth
  -o smtpd_tls_security_level=none
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=no
  -o debug_peer_list=127.0.0.1
  -o debug_peer_level=1
127.0.0.1:10025 inet n - n - - smtpd
  -o syslog_name=postfix/relay
  -o smtpd_sasl_auth_enable=no
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
  touch "$DIR/postfix.log"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_ready() {
  local deadline=$((SECONDS + 30)) p
  for p in "${PORTS[@]}"; do
    until port_open "$p"; do
      [ $SECONDS -lt $deadline ] || die "port $p did not open in 30 s; see $DIR/postfix.log and $DIR/dovecot.log"
      sleep 0.2
    done
  done
  until [ -S "$DV/auth" ] && [ -S "$DV/lmtp" ]; do
    [ $SECONDS -lt $deadline ] || die "Dovecot sockets did not appear in 30 s; see $DIR/dovecot.log"
    sleep 0.2
  done
}

stop() {
  if [ -f "$PF/conf/main.cf" ]; then postfix -c "$PF/conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$DV/dovecot.conf" ]; then doveadm -c "$DV/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  local deadline=$((SECONDS + 10))
  while { [ -f "$PF/queue/pid/master.pid" ] && kill -0 "$(tr -d ' ' < "$PF/queue/pid/master.pid")" 2>/dev/null; } && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  rm -f "$READY"
}

start() {
  need_root
  install_packages
  stop
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  make_certs
  write_dovecot
  write_postfix
  rm -rf "${DIR:?}/mail/"* 2>/dev/null || true
  : > "$DIR/postfix.log"
  : > "$DIR/dovecot.log"
  # Daemons must not hold the caller's stdout/stderr open (a pipe reading them would never see EOF).
  dovecot -c "$DV/dovecot.conf" </dev/null >>"$DIR/dovecot.log" 2>&1
  postfix -c "$PF/conf" set-permissions >/dev/null 2>&1 || true
  postfix -c "$PF/conf" check
  postfix -c "$PF/conf" start </dev/null >/dev/null 2>&1
  wait_ready
  cat > "$READY" <<JSON
{
  "dir": "$DIR",
  "host": "127.0.0.1",
  "ports": { "starttls": 10587, "smtps": 10465, "cleartextAuth": 10588, "relay": 10025 },
  "caFile": "$DIR/tls/ca.pem",
  "maildir": "$DIR/mail",
  "postfixLog": "$DIR/postfix.log",
  "dovecotLog": "$DIR/dovecot.log"
}
JSON
  log "ready: Postfix $(postconf -c "$PF/conf" -h mail_version) and Dovecot $(dovecot --version | cut -d' ' -f1) on 127.0.0.1 ports ${PORTS[*]} ($DIR)"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) [ -f "$READY" ] && cat "$READY" || { log "not running"; exit 1; } ;;
  *) die "usage: $0 start|stop|status" ;;
esac
