# Helpers shared by the myna-bff end-to-end tests (tests/e2e/bff_*.sh).
# Source it after lib.sh:
#   . "$(dirname "$0")/lib/bff.sh"

GRANT=urn:ietf:params:oauth:grant-type:device_code

# signin USER [URL]: a whole device flow approved by the operator; prints
# the token response.
signin() {
	local url=${2:-$BFF_URL} dc code
	dc=$(curl -sS -X POST "$url/v1/device/code")
	code=$(jq -r .user_code <<<"$dc")
	curl -sS -o /dev/null -H "Authorization: Bearer $MYNA_BFF_ADMIN_TOKEN" \
		--data "{\"user_code\":\"$code\",\"user\":\"$1\"}" "$url/v1/admin/device/approve"
	curl -sS --data-urlencode "grant_type=$GRANT" \
		--data-urlencode "device_code=$(jq -r .device_code <<<"$dc")" "$url/v1/token"
}

# token USER: an access token for USER.
token() { signin "$1" | jq -r .access_token; }

# code METHOD PATH [CURL ARGS...]: prints only the status code.
code() {
	local m=$1 p=$2; shift 2
	curl -sS -o /dev/null -w '%{http_code}' -X "$m" "$@" "$BFF_URL$p"
}

# call METHOD PATH [CURL ARGS...]: prints the body, then the status code on
# a last line of its own.
call() {
	local m=$1 p=$2; shift 2
	curl -sS -X "$m" -w '\n%{http_code}\n' "$@" "$BFF_URL$p"
}

# body and status of what call printed.
body_of() { sed '$d' <<<"$1"; }
status_of() { tail -n1 <<<"$1"; }

# sync TOKEN [QUERY]: GET /v1/sync?QUERY; prints the body.
sync_feed() {
	curl -sS -H "Authorization: Bearer $1" "$BFF_URL/v1/sync?${2:-limit=1000}"
}

# metric NAME_AND_LABELS: the value of one line of /metrics (0 when absent).
metric() {
	local v
	v=$(curl -sS "$BFF_URL/metrics" | awk -v n="$1 " 'index($0, n) == 1 { print $NF; exit }')
	echo "${v:-0}"
}
