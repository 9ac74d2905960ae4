# shellcheck shell=sh
# Shared by the by-hand end-to-end scripts (e2e-update.sh, e2e-systemd.sh); sourced, not run.

# make_test_ca DIR: a throwaway CA (DIR/ca.pem) and a certificate for 127.0.0.1 it signs
# (DIR/cert.pem, DIR/key.pem), valid for one day.
make_test_ca() {
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Prakat e2e test CA" \
    -keyout "$1/ca.key" -out "$1/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$1/key.pem" -out "$1/req.pem" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$1/ext"
  openssl x509 -req -in "$1/req.pem" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial -days 1 \
    -extfile "$1/ext" -out "$1/cert.pem" 2>/dev/null
  chmod 0644 "$1/ca.pem"
}

# serve_https FOLDER PORT TLS_DIR LOG [PREFIX...]: serves FOLDER on https://127.0.0.1:PORT/ with
# the certificate of make_test_ca, in the background (its pid in $!). PREFIX runs python in
# another place, e.g. `nsenter -t PID -n` for a container's network.
serve_https() {
  folder=$1 port=$2 tls=$3 log=$4
  shift 4
  "$@" python3 - "$folder" "$port" "$tls" >"$log" 2>&1 <<'EOF' &
import functools, http.server, ssl, sys
folder, port, tls = sys.argv[1], int(sys.argv[2]), sys.argv[3]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(f"{tls}/cert.pem", f"{tls}/key.pem")
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
EOF
}
