#!/bin/sh
# Regenerates the upload servers' demo PKI (docs/world-format.md, "servers"):
# a CA, a server certificate for uploads.camscript.test signed by it, one for
# another name signed by it (a name mismatch), and one for
# uploads.camscript.test signed by a rogue CA the scripts do not trust. Test
# data, never a secret. The simulator's servers run real TLS with these
# (sim/net/http-servers.ts), so each certificate names its host as a
# subjectAltName. The CA keys are not kept: delete all and run again to renew.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ca() { # name subject
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/$1.key" -out "$1.pem" \
        -days 7300 -subj "$2" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
}
leaf() { # name host ca-name
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$tmp/$1.csr" \
        -subj "/CN=$2" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$tmp/$1.ext"
    openssl x509 -req -in "$tmp/$1.csr" -CA "$3.pem" -CAkey "$tmp/$3.key" -CAcreateserial -out "$1.pem" \
        -days 7300 -extfile "$tmp/$1.ext" 2>/dev/null
}
ca upload-ca "/O=camscript demo/CN=Upload Demo CA"
ca upload-rogue-ca "/O=Rogue/CN=Rogue Upload CA"
leaf upload-server uploads.camscript.test upload-ca
leaf upload-other-name elsewhere.camscript.test upload-ca
leaf upload-rogue-server uploads.camscript.test upload-rogue-ca
rm -f upload-ca.srl upload-rogue-ca.srl
