# myna-bff's feed resources end to end: the procedure catalogue (national
# and per municipality, with typed forms), records by category, access
# records, who sees what, operators publishing and deleting each type
# (tombstones), and the 410 for a cursor older than the compaction horizon.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/bff.sh"

# Tombstones may be compacted at once, so that the test can pass the horizon.
start_bff --tombstone-retention 0
tok=$(token demo)
tok2=$(token demo2)
feed=$(sync_feed "$tok")
feed2=$(sync_feed "$tok2")

# --- procedures ---------------------------------------------------------------

procs=$(jq -c '[.changes[] | select(.type == "procedure")]' <<<"$feed")
national=$(jq -c '[.[] | select(.data.municipality == null) | .id] | sort' <<<"$procs")
is "the national procedures are the four of the catalogue" "$national" \
	'["kakutei-shinkoku","kokumin-nenkin","kouki-koza","zouyo"]'
is "demo sees Chiyoda's procedures, named 131016:ID" \
	"$(jq '[.[] | select(.data.municipality == "131016" and (.id | startswith("131016:")))] | length' <<<"$procs")" 19
is "... and no other municipality's" "$(jq '[.[] | select(.data.municipality != null and .data.municipality != "131016")] | length' <<<"$procs")" 0
is "demo2 sees Osaka's instead" \
	"$(jq -c '[.changes[] | select(.type == "procedure" and .data.municipality != null) | .id | split(":")[0]] | unique' <<<"$feed2")" '["271004"]'
is "the catalogue holds the 23 procedures residents face" \
	"$(jq -r '[.[].id | sub("^[0-9]{6}:"; "")] | sort | join(" ")' <<<"$procs")" \
	"furusato-onestop jidoushazei jidouteate-nintei juminzei kaigo kakutei-shinkoku keijidousha kokuho kokumin-nenkin koteishisan kougaku-ryouyouhi kouki-koza menkyo myna-card myna-cert passport shibou shussei tenkyo tennyu tenshutsu tokutei-kenshin zouyo"
is "every procedure has a name, an agency and a description in ja and en" \
	"$(jq '[.[] | .data | select(([.name, .agency, .description] | all((.ja | length) > 0 and (.en | length) > 0)))] | length' <<<"$procs")" \
	"$(jq length <<<"$procs")"
is "every procedure lists documents and says whether it is online" \
	"$(jq '[.[] | .data | select((.documents | length) > 0 and (.online | type) == "boolean")] | length' <<<"$procs")" \
	"$(jq length <<<"$procs")"
is "an online procedure has a form; an offline one none" \
	"$(jq '[.[] | .data | select((.online and (.fields | length) > 0) or ((.online | not) and (.fields | length) == 0))] | length' <<<"$procs")" \
	"$(jq length <<<"$procs")"
is "the forms use every field type" \
	"$(jq -c '[.[].data.fields[].type] | unique' <<<"$procs")" '["bool","choice","date","number","text"]'
is "every field has a name, a label in ja and en, and a required flag" \
	"$(jq '[.[].data.fields[] | select((.name | test("^[a-z0-9_]+$")) and (.label.ja | length) > 0 and (.label.en | length) > 0 and (.required | type) == "boolean")] | length' <<<"$procs")" \
	"$(jq '[.[].data.fields[]] | length' <<<"$procs")"
is "every text field has a max_length" \
	"$(jq '[.[].data.fields[] | select(.type == "text" and (.max_length | type) != "number")] | length' <<<"$procs")" 0
is "every choice field has labelled choices" \
	"$(jq '[.[].data.fields[] | select(.type == "choice") | select((.choices | length) < 2 or (.choices | any((.label.ja | length) == 0)))] | length' <<<"$procs")" 0
move=$(jq -c '.[] | select(.id == "131016:tenshutsu") | .data' <<<"$procs")
is "the moving-out form: date, postal code with a pattern, address, who, phone" \
	"$(jq -c '[.fields[] | [.name, .type, .required]]' <<<"$move")" \
	'[["move_date","date",true],["new_postal_code","text",true],["new_address","text",true],["movers","choice",true],["phone","text",true]]'
is "the postal code has its pattern" "$(jq -r '.fields[1].pattern' <<<"$move")" '[0-9]{3}-?[0-9]{4}'
is "Chiyoda's moving-out is handled by its office" "$(jq -r .agency.ja <<<"$move")" 千代田区役所
is "Osaka's by Osaka's" "$(jq -r '.changes[] | select(.id == "271004:tenshutsu") | .data.agency.ja' <<<"$feed2")" '大阪市役所（お住まいの区役所）'
is "the tax return is the National Tax Agency's, online" \
	"$(jq -c '.[] | select(.id == "kakutei-shinkoku") | [.data.agency.ja, .data.online]' <<<"$procs")" '["国税庁",true]'

# --- records and access records ---------------------------------------------------

records=$(jq -c '[.changes[] | select(.type == "record") | .data]' <<<"$feed")
is "demo's records cover tax, pension, health insurance, checkups and child allowance" \
	"$(jq -c '[.[].category] | unique' <<<"$records")" '["checkup","child_allowance","health_insurance","pension","tax"]'
is "every record has a title, a source, a time and labelled items" \
	"$(jq '[.[] | select((.title.ja | length) > 0 and (.source.ja | length) > 0 and (.updated | test("T")) and (.items | length) > 0 and (.items | all((.label.ja | length) > 0 and (.value.ja | length) > 0 and (.value.en | length) > 0)))] | length' <<<"$records")" \
	"$(jq length <<<"$records")"
like "the pension record gives months and an estimate in yen" \
	"$(jq -c '.[] | select(.category == "pension") | [.items[].value.ja]' <<<"$records")" '252か月.*円'
like "the checkup gives blood pressure" "$(jq -c '[.[] | select(.category == "checkup") | .items[].label.en]' <<<"$records")" 'Blood pressure'
access=$(jq -c '[.changes[] | select(.type == "access_log") | .data]' <<<"$feed")
ok "demo has several access records ($(jq length <<<"$access"))" test "$(jq length <<<"$access")" -ge 5
is "each says when, which agency, which information and why" \
	"$(jq '[.[] | select((.when | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and (.agency.ja | length) > 0 and (.item.ja | length) > 0 and (.purpose.ja | length) > 0 and (.purpose.en | length) > 0)] | length' <<<"$access")" \
	"$(jq length <<<"$access")"
is "demo2 sees only its own records" \
	"$(jq -c '[.changes[] | select(.type == "record" or .type == "access_log") | .id] - [.changes[].id]' <<<"$feed2")" '[]'
mine=$(jq -c '[.changes[] | select(.type == "record" or .type == "access_log") | .id]' <<<"$feed")
is "... none of demo's" \
	"$(jq -c --argjson m "$mine" '[.changes[].id | select(. as $i | $m | index($i))]' <<<"$feed2")" '[]'

# --- operators publish and delete each type -----------------------------------------

c1=$(jq -r .cursor <<<"$feed")
c2=$(jq -r .cursor <<<"$feed2")
out=$(admin POST /v1/admin/records '{"user":"demo","category":"tax","title":{"ja":"課税証明","en":"Tax certificate"},"source":"千代田区","updated":"2026-06-01T00:00:00Z","items":[{"label":"所得","value":{"ja":"100円","en":"¥100"}}]}')
is "an operator adds a record: 201" "$(tail -n1 <<<"$out")" 201
rid=$(head -n1 <<<"$out" | jq -r .id)
like "... r-N" "$rid" '^r-[0-9]+$'
got=$(sync_feed "$tok" "cursor=$c1")
is "demo gets it, its time in the server's zone" \
	"$(jq -c --arg id "$rid" '.changes[] | select(.id == $id) | [.type, .data.updated, .data.items[0].value.en]' <<<"$got")" \
	'["record","2026-06-01T09:00:00+09:00","¥100"]'
is "demo2 does not" "$(sync_feed "$tok2" "cursor=$c2" | jq -c '[.changes[].id]')" '[]'
out=$(admin POST /v1/admin/access-logs '{"user":"demo","when":"2026-11-01T10:00:00+09:00","agency":"日本年金機構","provider":"千代田区","item":"地方税関係情報","purpose":"保険料の免除の審査"}')
is "an operator adds an access record: 201" "$(tail -n1 <<<"$out")" 201
lid=$(head -n1 <<<"$out" | jq -r .id)
like "... l-N" "$lid" '^l-[0-9]+$'
is "an access record without purpose: 422" \
	"$(tail -n1 <<<"$(admin POST /v1/admin/access-logs '{"user":"demo","when":"2026-11-01T10:00:00+09:00","agency":"a","item":"i"}')")" 422
is "a record for nobody: 422" \
	"$(tail -n1 <<<"$(admin POST /v1/admin/records '{"user":"nobody","category":"tax","title":"t","updated":"2026-06-01T00:00:00Z","items":[]}')")" 422
is "a record with an unknown field: 400" \
	"$(tail -n1 <<<"$(admin POST /v1/admin/records '{"user":"demo","category":"tax","title":"t","updated":"2026-06-01T00:00:00Z","items":[],"name":"x"}')")" 400
proc='{"id":"271004:sodai","name":{"ja":"粗大ごみの収集申込","en":"Bulky waste collection"},"agency":"大阪市 環境局","description":"大きなごみの収集を申し込みます。","documents":["申込番号"],"online":true,"municipality":"271004","fields":[{"name":"items","type":"number","label":"個数","required":true,"min":1,"max":10}]}'
out=$(admin POST /v1/admin/procedures "$proc")
is "an operator publishes a procedure for Osaka: 201" "$(tail -n1 <<<"$out")" 201
is "Osaka's residents get it" "$(sync_feed "$tok2" "cursor=$c2" | jq -c '[.changes[] | [.type, .id, .data.fields[0].max]]')" '[["procedure","271004:sodai",10]]'
is "Chiyoda's do not" "$(sync_feed "$tok" "cursor=$c1" | jq -c '[.changes[] | select(.type == "procedure")]')" '[]'
is "a procedure with a form field of no known type: 422" \
	"$(tail -n1 <<<"$(admin POST /v1/admin/procedures "${proc/\"number\"/\"money\"}")")" 422
is "a procedure for a municipality whose check digit fails: 422" \
	"$(tail -n1 <<<"$(admin POST /v1/admin/procedures "${proc//271004/271005}")")" 422
is "deleting the procedure: 204" "$(tail -n1 <<<"$(admin DELETE /v1/admin/procedures/271004:sodai)")" 204
is "deleting the record: 204" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/records/$rid")")" 204
is "deleting the access record: 204" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/access-logs/$lid")")" 204
is "deleting it again: 404" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/access-logs/$lid")")" 404
is "a record id is not an access record: 404" "$(tail -n1 <<<"$(admin DELETE "/v1/admin/access-logs/$rid")")" 404
is "the deletions reach demo as tombstones, without data" \
	"$(sync_feed "$tok" "cursor=$c1" | jq -c '[.changes[] | [.type, .id, .op, has("data")]]')" \
	"[[\"record\",\"$rid\",\"delete\",false],[\"access_log\",\"$lid\",\"delete\",false]]"
is "... and Osaka's the procedure's" \
	"$(sync_feed "$tok2" "cursor=$c2" | jq -c '[.changes[] | [.id, .op]]')" '[["271004:sodai","delete"]]'

# --- 410 for a cursor older than the horizon -------------------------------------

mid=$(sync_feed "$tok" "cursor=$c1" | jq -r .cursor)
is "before compaction the old cursor still works" "$(code GET "/v1/sync?cursor=$c1" -H "Authorization: Bearer $tok")" 200
out=$(admin POST /v1/admin/compact '{}')
is "compaction removes the three tombstones" "$(head -n1 <<<"$out")" '{"tombstones_removed":3}'
gone=$(call GET "/v1/sync?cursor=$c1" -H "Authorization: Bearer $tok")
is "a cursor from before the removed tombstones: 410" "$(status_of "$gone")" 410
like "... a problem saying to sync again from the start" "$(body_of "$gone" | jq -r .detail)" 'older than the changes this server still keeps.*without a cursor'
is "... for demo2 too" "$(code GET "/v1/sync?cursor=$c2" -H "Authorization: Bearer $tok2")" 410
is "a cursor after them still works" "$(code GET "/v1/sync?cursor=$mid" -H "Authorization: Bearer $tok")" 200
is "and so does a sync from the start" "$(code GET /v1/sync -H "Authorization: Bearer $tok")" 200
is "... without the tombstones" "$(sync_feed "$tok" | jq "[.changes[] | select(.op == \"delete\")] | length")" 0
is "compacting again removes nothing" "$(head -n1 <<<"$(admin POST /v1/admin/compact)")" '{"tombstones_removed":0}'
is "compact takes no fields" "$(tail -n1 <<<"$(admin POST /v1/admin/compact '{"all":true}')")" 400

done_testing
