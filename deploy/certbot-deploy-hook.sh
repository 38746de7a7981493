#!/bin/sh
# certbot's deploy hook for HAProxy (docs/deploy.md, TLS): after each certificate certbot issues or renews, put the
# chain and the key in one file, as HAProxy takes it (CALF_PROXY_CERT names the folder), and reload HAProxy.
# Install: install -m 755 deploy/certbot-deploy-hook.sh /etc/letsencrypt/renewal-hooks/deploy/haproxy.sh
#
# certbot sets RENEWED_LINEAGE (/etc/letsencrypt/live/<name>). CALF_CERTS_DIR and CALF_HAPROXY_RELOAD change where
# the file goes and how HAProxy is reloaded (tests/reliability/test_proxy.py runs this script with both).
set -eu
: "${RENEWED_LINEAGE:?run by certbot as a deploy hook (RENEWED_LINEAGE is unset)}"
certs="${CALF_CERTS_DIR:-/etc/haproxy/certs}"
name="$(basename "$RENEWED_LINEAGE")"
umask 077
mkdir -p "$certs"
# Written beside, then renamed: HAProxy never reads a half-written file.
cat "$RENEWED_LINEAGE/fullchain.pem" "$RENEWED_LINEAGE/privkey.pem" > "$certs/.$name.pem.new"
mv -f "$certs/.$name.pem.new" "$certs/$name.pem"
# Debian's unit checks the configuration before it reloads; a reload keeps open connections (websockets) served.
${CALF_HAPROXY_RELOAD:-systemctl reload haproxy}
