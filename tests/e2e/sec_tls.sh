# TLS and the plain-http rule, on the client.
#   - A local TLS front (nginx, on loopback, proxying to the real
#     myna-bff) with a certificate from a CA made for the test: myna login,
#     myna sync and mynad refuse it while the CA is not trusted, and no
#     request reaches the server; they accept it once the CA is configured
#     (ca_file in the settings); even then they refuse a certificate for
#     another name, a self-signed one, and an expired one.
#   - Plain http to anything but this machine is refused before any
#     connection is tried: run in a network namespace of its own (so that
#     nothing could leave even by mistake) and under strace, which shows
#     no connect() to any internet address.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/fault.sh"
creds=$XDG_STATE_HOME/myna/credentials
# bff_hits PATH: how many requests for PATH the server has logged.
bff_hits() { grep -c "path=$1 " "$T/bff.log"; }

start_bff
ok "sign in as demo over plain http to loopback" login_as demo
plain_url=$BFF_URL

# --- certificates ---------------------------------------------------------
pki=$T/pki
mkdir -p "$pki"
(
	cd "$pki" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj '/CN=myna test CA' -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	# cert NAME SAN DAYS: a server certificate signed by the CA.
	cert() {
		openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
		openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
			-days "$3" -extfile "$1.ext"
	}
	cert good 'IP:127.0.0.1,DNS:localhost' 2
	cert other 'DNS:other.example' 2
	openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 2 \
		-subj '/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost'
) >"$T/pki.log" 2>&1 || { cat "$T/pki.log"; bail "cannot make the certificates"; }

# tls_front CERT: nginx on a free loopback port with CERT, proxying to the
# BFF; sets TLS_URL.  The one before it is stopped.
_front=0
tls_front() {
	local port try conf
	[ -n "${NGINX_PID:-}" ] && { kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; }
	_front=$((_front + 1))
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 30000))
		conf=$T/nginx-$_front.conf
		mkdir -p "$T/nginx"
		cat >"$conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx/nginx-$_front.pid;
error_log $T/nginx/error-$_front.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$port ssl;
		ssl_certificate $pki/$1.pem;
		ssl_certificate_key $pki/$1.key;
		location / { proxy_pass $plain_url; proxy_buffering off; }
	}
}
CONF
		nginx -c "$conf" -e "$T/nginx/error-$_front.log" 2>>"$T/nginx/start.log" &
		NGINX_PID=$!
		track "$NGINX_PID"
		if wait_for 5 curl -sk -o /dev/null "https://127.0.0.1:$port/healthz"; then
			TLS_URL=https://127.0.0.1:$port
			return 0
		fi
		kill "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
	done
	cat "$T/nginx/start.log"
	return 1
}

# trusted CMD...: runs CMD with the test CA configured (ca_file in the
# settings), then takes the setting out again, keeping whatever else CMD
# saved there (a login saves the server).
trusted() {
	local cfg=$XDG_CONFIG_HOME/myna/config rc
	mkdir -p "${cfg%/*}"
	touch "$cfg"
	grep -v '^ca_file' "$cfg" >"$T/cfg.tmp"
	echo "ca_file = $pki/ca.pem" >>"$T/cfg.tmp"
	cat "$T/cfg.tmp" >"$cfg"
	"$@"
	rc=$?
	grep -v '^ca_file' "$cfg" >"$T/cfg.tmp"
	cat "$T/cfg.tmp" >"$cfg"
	return $rc
}

command -v nginx >/dev/null || bail "nginx is needed (Debian package nginx-light)"
tls_front good || bail "nginx did not start"
ok "the TLS front answers with the CA given to curl" curl -sS -o /dev/null --cacert "$pki/ca.pem" "$TLS_URL/healthz"

# --- an untrusted CA --------------------------------------------------------
n=$(bff_hits /v1/device/code)
cp "$creds" "$T/creds.saved"
out=$(myna login --server "$TLS_URL" 2>&1 </dev/null); rc=$?
is "login to an untrusted certificate exits 1" "$rc" "1"
like "and says why" "$out" 'SSL certificate problem: unable to get local issuer certificate'
is "no request reached the server" "$(bff_hits /v1/device/code)" "$n"
ok "the credentials are untouched" cmp "$T/creds.saved" "$creds"
use_server "$TLS_URL"
n=$(bff_hits /v1/sync)
out=$(myna sync 2>&1); rc=$?
is "myna sync through it exits 1" "$rc" "1"
like "and says why" "$out" 'SSL certificate problem'
out=$(nobus mynad --once 2>&1); rc=$?
is "mynad --once exits 1" "$rc" "1"
like "and says why" "$out" 'SSL certificate problem'
is "no sync request reached the server" "$(bff_hits /v1/sync)" "$n"

# --- the CA trusted ---------------------------------------------------------
{
	n=$(bff_hits /v1/sync)
	out=$(trusted myna sync 2>&1); rc=$?
	is "with the CA trusted, myna sync through TLS exits 0" "$rc" "0"
	like "and syncs" "$out" '^(Up to date|Synced)'
	is "the request reached the server" "$(bff_hits /v1/sync)" "$((n + 1))"
	out=$(trusted env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY mynad --once 2>&1); rc=$?
	is "mynad --once through TLS exits 0" "$rc" "0"
	# A new sign-in through TLS, start to end.
	: >"$T/tlslogin.log"
	trusted myna login --server "$TLS_URL" >"$T/tlslogin.log" 2>&1 </dev/null &
	lpid=$!
	track "$lpid"
	if wait_for 10 grep -qE '^[A-Z]{4}-[A-Z]{4}$' "$T/tlslogin.log"; then
		code=$(grep -m1 -E '^[A-Z]{4}-[A-Z]{4}$' "$T/tlslogin.log")
		admin POST /v1/admin/device/approve "{\"user_code\":\"$code\",\"user\":\"demo\"}" >/dev/null
	fi
	wait "$lpid"
	is "myna login through TLS with the CA trusted exits 0" "$?" "0"
	like "it signed in" "$(cat "$T/tlslogin.log")" "Signed in to $TLS_URL"

	# Trusted CA, wrong name.
	tls_front other || bail "nginx did not start"
	use_server "$TLS_URL"
	out=$(trusted myna sync 2>&1); rc=$?
	is "a certificate for another name: refused (exit 1)" "$rc" "1"
	like "and says why" "$out" "SSL: no alternative certificate subject name matches|does not match target host name"
	# Self-signed.
	tls_front self || bail "nginx did not start"
	use_server "$TLS_URL"
	out=$(trusted myna sync 2>&1); rc=$?
	is "a self-signed certificate: refused (exit 1)" "$rc" "1"
	like "and says why" "$out" 'SSL certificate problem: self.signed certificate'
	# Expired: the client's clock three days on.
	tls_front good || bail "nginx did not start"
	use_server "$TLS_URL"
	out=$(trusted faketime -f +3d myna sync 2>&1); rc=$?
	is "an expired certificate: refused (exit 1)" "$rc" "1"
	like "and says why" "$out" 'SSL certificate problem: certificate has expired'
}
use_server "$plain_url"

# --- plain http to anything but loopback ------------------------------------
# offline CMD...: CMD in a network namespace with no network at all, under
# strace when there is one; the connect() calls it made go to
# $T/connect.log.
offline() {
	: >"$T/connect.log"
	if command -v strace >/dev/null; then
		unshare -n strace -f -qq -e trace=connect -o "$T/connect.log" "$@"
	else
		unshare -n "$@"
	fi
}
inet_connects() { grep -cE 'AF_INET6?' "$T/connect.log"; }
unshare -n true 2>/dev/null || bail "no network namespace: cannot run the plain-http checks safely"
if command -v strace >/dev/null; then
	offline myna login --server http://127.0.0.1:9 >/dev/null 2>&1 </dev/null
	ok "the connect() count sees a loopback attempt (the check can fail)" test "$(inet_connects)" -ge 1
fi
for url in http://10.0.0.1 http://192.168.1.10:8080 http://203.0.113.5/ http://example.com \
	http://localhost.example.com http://127.0.0.1.example.com 'http://[::ffff:10.0.0.1]' \
	http://0.0.0.0:8080; do
	out=$(offline myna login --server "$url" 2>&1 </dev/null); rc=$?
	is "login --server $url: refused (exit 1)" "$rc" "1"
	like "... saying why" "$out" 'refusing plain http to .*use an https:// URL'
	is "... before any connection" "$(inet_connects)" "0"
done
for url in 'http://user:pw@127.0.0.1' 'ftp://127.0.0.1' 'file:///etc/passwd' 'gopher://127.0.0.1' \
	'http://127.0.0.1/?x=1' 'javascript:alert(1)'; do
	out=$(offline myna login --server "$url" 2>&1 </dev/null); rc=$?
	is "login --server $url: refused (exit 1)" "$rc" "1"
	like "... saying what to give instead" "$out" 'https://HOST\[:PORT\]|use an https:// URL'
	is "... before any connection" "$(inet_connects)" "0"
done
# A config edited by hand to point at a plain http address elsewhere.
use_server http://10.0.0.1
out=$(offline env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY mynad --once 2>&1); rc=$?
is "mynad with server = http://10.0.0.1: exit 1" "$rc" "1"
like "... saying why" "$out" 'refusing plain http to 10\.0\.0\.1'
is "... before any connection" "$(inet_connects)" "0"
out=$(offline myna sync 2>&1); rc=$?
is "myna sync with it: exit 1" "$rc" "1"
like "... saying why" "$out" 'refusing plain http to 10\.0\.0\.1'
is "... before any connection" "$(inet_connects)" "0"
# Loopback in all its spellings is allowed (and reaches the real server).
for host in 127.0.0.1 localhost 127.0.0.2; do
	u=${plain_url/127.0.0.1/$host}
	use_server "$u"
	if [ "$host" = 127.0.0.2 ]; then
		# myna-bff listens on 127.0.0.1 only: the URL is accepted, the
		# connection is refused by the system.
		like "http://$host: allowed, the connection itself fails" "$(myna sync 2>&1)" 'Could not connect|Couldn.t connect'
	else
		like "http://$host: allowed" "$(myna sync 2>&1)" '^(Up to date|Synced)'
	fi
done

done_testing
