#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "bff.h"
#include "date.h"
#include "feed.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "storage.h"
#include "text.h"
#include "user.h"
#include "wire.h"

#define RECORD_NELEMS(a) (sizeof(a) / sizeof(a)[0])
#define RECORD_ITEMS_MAX 12

struct record_item {
	const char *label_ja, *label_en, *value_ja, *value_en;
};

struct record_entry {
	const char *user;
	const char *category;
	int days_ago; /* when the agency last updated it */
	const char *title_ja, *title_en;
	const char *source_ja, *source_en;
	struct record_item items[RECORD_ITEMS_MAX]; /* ended by a NULL label */
};

/*
 * demo: left a company in the summer of last year, runs a small business
 * since, so pays national health insurance, the national pension premium
 * and resident tax himself; one child of five receives the child
 * allowance, a second was just born.  demo2: an employee in Osaka.
 */
static const struct record_entry record_demo[] = {
        {"demo",
         "tax",
         60,
         "住民税の課税情報（今年度）",
         "Resident tax assessment (this fiscal year)",
         "千代田区 税務課",
         "Chiyoda City, Taxation Section",
         {{"給与収入", "Employment income", "3,100,000円", "¥3,100,000"},
          {"給与所得", "Employment income after the standard deduction", "2,090,000円",
           "¥2,090,000"},
          {"事業所得", "Business income", "1,450,000円", "¥1,450,000"},
          {"所得控除の合計", "Total deductions", "1,050,000円", "¥1,050,000"},
          {"課税標準額", "Taxable income", "2,490,000円", "¥2,490,000"},
          {"特別区民税（年額）", "Ward tax for the year", "150,900円", "¥150,900"},
          {"都民税（年額）", "Metropolitan tax for the year", "99,600円", "¥99,600"},
          {"森林環境税（年額）", "Forest environment tax for the year", "1,000円", "¥1,000"},
          {"納め方", "How it is paid", "普通徴収（第1期64,000円、第2期から第4期は各62,500円）",
           "Paid by you: ¥64,000 for the first instalment, ¥62,500 for each of the other "
           "three"},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "tax",
         250,
         "所得税の確定申告の内容（昨年分）",
         "Income tax return (last year)",
         "国税庁",
         "National Tax Agency",
         {{"所得金額の合計", "Total income", "3,540,000円", "¥3,540,000"},
          {"所得控除の合計", "Total deductions", "1,130,000円", "¥1,130,000"},
          {"課税される所得金額", "Taxable income", "2,410,000円", "¥2,410,000"},
          {"所得税及び復興特別所得税", "Income tax and reconstruction surtax", "146,500円",
           "¥146,500"},
          {"源泉徴収税額", "Tax withheld", "98,200円", "¥98,200"},
          {"申告納税額", "Tax paid with the return", "48,300円", "¥48,300"},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "pension",
         120,
         "年金記録（ねんきん定期便）",
         "Pension record (yearly statement)",
         "日本年金機構",
         "Japan Pension Service",
         {{"加入期間の合計", "Months covered in total", "252か月", "252 months"},
          {"厚生年金保険", "Employees' pension", "216か月", "216 months"},
          {"国民年金（第1号被保険者）", "National pension (self-employed and others)", "36か月",
           "36 months"},
          {"未納の月", "Unpaid months", "3か月（直近の3か月）", "3 months (the last three)"},
          {"これまでの保険料納付額", "Premiums paid so far", "7,120,000円", "¥7,120,000"},
          {"老齢基礎年金の見込額（年額）", "Estimated basic pension a year", "436,000円",
           "¥436,000"},
          {"老齢厚生年金の見込額（年額）", "Estimated employees' pension a year", "398,000円",
           "¥398,000"},
          {"見込額について", "About the estimates",
           "これまでの加入実績に応じた額です。60歳まで加入すると増えます。",
           "Based on the record so far; they grow as you keep paying until 60."},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "health_insurance",
         30,
         "健康保険の資格情報",
         "Health insurance membership",
         "千代田区 保険年金課",
         "Chiyoda City, Insurance and Pension Section",
         {{"保険の種類", "Insurance", "国民健康保険", "National health insurance"},
          {"保険者番号", "Insurer number", "131011", "131011"},
          {"資格を得た日", "Member since", "昨年9月1日", "1 September last year"},
          {"窓口で支払う割合", "Share you pay at the counter", "3割", "30%"},
          {"限度額適用区分", "Bracket for the monthly cost limit", "区分ウ",
           "Bracket U (middle income)"},
          {"今年度の保険料（年額）", "Premium for this fiscal year", "268,400円", "¥268,400"},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "health_insurance",
         45,
         "医療費通知（昨年1月から12月）",
         "Medical expense notice (January to December last year)",
         "千代田区 保険年金課",
         "Chiyoda City, Insurance and Pension Section",
         {{"受診した回数", "Visits", "14回", "14"},
          {"医療費の総額", "Total medical costs", "184,320円", "¥184,320"},
          {"窓口で支払った額", "What you paid", "55,290円", "¥55,290"},
          {"確定申告で", "For your tax return", "医療費控除の計算に、この通知の情報を使えます。",
           "This notice can be used to work out the medical expense deduction."},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "checkup",
         110,
         "特定健康診査の結果",
         "Specific health checkup results",
         "千代田区 保険年金課（区内の医療機関で受診）",
         "Chiyoda City, Insurance and Pension Section (checkup at a clinic in the ward)",
         {{"身長・体重", "Height and weight", "171.2cm・68.4kg", "171.2 cm, 68.4 kg"},
          {"BMI", "BMI", "23.3", "23.3"},
          {"腹囲", "Waist", "84.0cm", "84.0 cm"},
          {"血圧", "Blood pressure", "126/82mmHg", "126/82 mmHg"},
          {"HbA1c", "HbA1c", "5.6%", "5.6%"},
          {"LDLコレステロール", "LDL cholesterol", "132mg/dL（基準は120未満）",
           "132 mg/dL (normal: under 120)"},
          {"判定", "Result", "特定保健指導の対象外。LDLコレステロールは経過観察。",
           "No health guidance needed; LDL cholesterol to be watched."},
          {NULL, NULL, NULL, NULL}}},
        {"demo",
         "child_allowance",
         20,
         "児童手当の受給状況",
         "Child allowance",
         "千代田区 子ども支援課",
         "Chiyoda City, Child Support Section",
         {{"受給者", "Recipient", "デモ 太郎", "Demo Taro"},
          {"対象の子ども", "Children covered", "1人（5歳）", "1 child (aged 5)"},
          {"手当の月額", "Monthly amount", "10,000円", "¥10,000"},
          {"支払い", "Payments", "偶数月に、前月までの2か月分（20,000円）",
           "Even months, for the two months before (¥20,000)"},
          {"お知らせ", "Note", "生まれたお子さんの分は、認定請求をすると加わります。",
           "Your newborn child is added once you apply for the child allowance."},
          {NULL, NULL, NULL, NULL}}},
        {"demo2",
         "tax",
         60,
         "住民税の課税情報（今年度）",
         "Resident tax assessment (this fiscal year)",
         "大阪市 市税事務所",
         "Osaka City Tax Office",
         {{"給与収入", "Employment income", "4,600,000円", "¥4,600,000"},
          {"課税標準額", "Taxable income", "2,390,000円", "¥2,390,000"},
          {"市民税・府民税（年額）", "City and prefectural tax for the year", "245,300円",
           "¥245,300"},
          {"納め方", "How it is paid", "特別徴収（毎月の給与から）",
           "Deducted from your monthly salary"},
          {NULL, NULL, NULL, NULL}}},
        {"demo2",
         "health_insurance",
         90,
         "健康保険の資格情報",
         "Health insurance membership",
         "全国健康保険協会 大阪支部",
         "Japan Health Insurance Association, Osaka",
         {{"保険の種類", "Insurance", "協会けんぽ（被保険者）",
           "Japan Health Insurance Association (insured person)"},
          {"窓口で支払う割合", "Share you pay at the counter", "3割", "30%"},
          {NULL, NULL, NULL, NULL}}},
};

struct access_entry {
	const char *user;
	int days_ago, hour, minute;
	const char *agency_ja, *agency_en;
	const char *provider_ja, *provider_en;
	const char *item_ja, *item_en;
	const char *purpose_ja, *purpose_en;
};

/* Oldest first, as they happened. */
static const struct access_entry access_demo[] = {
        {"demo", 300, 15, 40, "厚生労働省（ハローワーク飯田橋）",
         "Ministry of Health, Labour and Welfare (Hello Work Iidabashi)", "千代田区",
         "Chiyoda City", "住民票関係情報（住所）", "Residence record (address)",
         "雇用保険の基本手当の支給", "Paying unemployment benefit"},
        {"demo", 200, 10, 55, "関東ITソフトウェア健康保険組合",
         "Kanto IT Software Health Insurance Society", "千代田区", "Chiyoda City",
         "地方税関係情報（所得の区分）", "Local tax information (income bracket)",
         "高額療養費の自己負担限度額の認定", "Setting your monthly limit for medical costs"},
        {"demo", 120, 13, 15, "東京都 福祉局", "Tokyo Metropolitan Government, Bureau of Welfare",
         "千代田区", "Chiyoda City", "住民票関係情報（世帯の子ども）",
         "Residence record (children in the household)", "東京都018サポートの給付",
         "Paying Tokyo's 018 Support for children"},
        {"demo", 75, 10, 2, "日本学生支援機構", "Japan Student Services Organization", "千代田区",
         "Chiyoda City", "地方税関係情報（所得額）", "Local tax information (income)",
         "奨学金の返還期限猶予の審査", "Reviewing a postponement of student loan repayments"},
        {"demo", 41, 16, 30, "日本年金機構", "Japan Pension Service", "千代田区", "Chiyoda City",
         "住民票関係情報（住所・世帯）", "Residence record (address and household)",
         "国民年金の種別変更（第1号被保険者へ）",
         "Changing your national pension category (to self-employed and others)"},
        {"demo", 40, 9, 48, "千代田区 保険年金課", "Chiyoda City, Insurance and Pension Section",
         "関東ITソフトウェア健康保険組合", "Kanto IT Software Health Insurance Society",
         "医療保険の資格情報（資格を失った日）", "Health insurance membership (the day it ended)",
         "国民健康保険の資格取得の確認",
         "Confirming your membership of the national health insurance"},
        {"demo", 9, 11, 20, "千代田区 子ども支援課", "Chiyoda City, Child Support Section",
         "デジタル庁", "Digital Agency", "公金受取口座の情報",
         "Your registered account for public payments", "児童手当の支給",
         "Paying the child allowance"},
        {"demo", 2, 14, 5, "日本年金機構", "Japan Pension Service", "千代田区", "Chiyoda City",
         "地方税関係情報（前年の所得額）", "Local tax information (last year's income)",
         "国民年金保険料の免除・納付猶予の審査",
         "Reviewing an exemption or postponement of the national pension premium"},
        {"demo2", 150, 10, 10, "大阪府 教育庁 私学課",
         "Osaka Prefecture, Board of Education, Private Schools Division", "大阪市", "Osaka City",
         "地方税関係情報（課税標準額）", "Local tax information (taxable income)",
         "高等学校等就学支援金の支給", "Paying high school tuition support"},
        {"demo2", 30, 15, 22, "全国健康保険協会 大阪支部",
         "Japan Health Insurance Association, Osaka", "大阪市", "Osaka City",
         "地方税関係情報（所得の区分）", "Local tax information (income bracket)",
         "限度額適用認定証の交付", "Issuing a certificate of your medical cost limit"},
};

/* hour:minute on the day days_ago before now, as RFC 3339. */
static char *
record_when(time_t now, int days_ago, int hour, int minute, char *out, size_t size)
{
	return date_format(date_day_start(now, -days_ago) + hour * 3600 + minute * 60, out, size);
}

int
record_demo_load(struct storage *s, time_t now, char **cause)
{
	struct storage_tx *tx = storage_begin(s, 1);
	struct feed_audience aud;
	char when[40], *id = NULL;
	size_t i, k;
	long long n;

	*cause = NULL;
	if (tx == NULL)
		goto fail;
	for (i = 0; i < RECORD_NELEMS(record_demo); i++) {
		const struct record_entry *e = &record_demo[i];
		struct wire_record r;
		struct wire_record_item items[RECORD_ITEMS_MAX];
		json_object *data;
		int rc;

		memset(&r, 0, sizeof r);
		r.category = (char *)e->category;
		r.title.ja = (char *)e->title_ja;
		r.title.en = (char *)e->title_en;
		r.source.ja = (char *)e->source_ja;
		r.source.en = (char *)e->source_en;
		r.updated = record_when(now, e->days_ago, 9, 0, when, sizeof when);
		for (k = 0; k < RECORD_ITEMS_MAX && e->items[k].label_ja != NULL; k++) {
			items[k].label.ja = (char *)e->items[k].label_ja;
			items[k].label.en = (char *)e->items[k].label_en;
			items[k].value.ja = (char *)e->items[k].value_ja;
			items[k].value.en = (char *)e->items[k].value_en;
		}
		r.items = items;
		r.nitems = k;
		if (storage_feed_next_id(tx, "record", &n) != 0)
			goto fail;
		id = xasprintf("r-%lld", n);
		aud.user = e->user;
		aud.municipality = NULL;
		data = wire_record_encode(&r);
		rc = feed_item_put_tx(tx, "record", id, &aud, data);
		json_object_put(data);
		xfree(&id);
		if (rc != 0)
			goto fail;
	}
	for (i = 0; i < RECORD_NELEMS(access_demo); i++) {
		const struct access_entry *e = &access_demo[i];
		struct wire_access a;
		json_object *data;
		int rc;

		memset(&a, 0, sizeof a);
		a.when = record_when(now, e->days_ago, e->hour, e->minute, when, sizeof when);
		a.agency.ja = (char *)e->agency_ja;
		a.agency.en = (char *)e->agency_en;
		a.provider.ja = (char *)e->provider_ja;
		a.provider.en = (char *)e->provider_en;
		a.item.ja = (char *)e->item_ja;
		a.item.en = (char *)e->item_en;
		a.purpose.ja = (char *)e->purpose_ja;
		a.purpose.en = (char *)e->purpose_en;
		if (storage_feed_next_id(tx, "access_log", &n) != 0)
			goto fail;
		id = xasprintf("l-%lld", n);
		aud.user = e->user;
		aud.municipality = NULL;
		data = wire_access_encode(&a);
		rc = feed_item_put_tx(tx, "access_log", id, &aud, data);
		json_object_put(data);
		xfree(&id);
		if (rc != 0)
			goto fail;
	}
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto fail;
	}
	return 0;
fail:
	storage_rollback(tx);
	*cause = xstrdup(_("cannot add the demo records"));
	return -1;
}

/* Reads "user" (a known resident) from body and removes it; fills *u. */
static int
record_user(struct http_req *req, struct http_resp *resp, json_object *body, struct user *u)
{
	struct storage_tx *tx;
	char *user = NULL;
	int found = 0, rc;

	if (field_string(body, "user", 1, USER_ID_MAX * 3, 0, &user, resp) != 0)
		return -1;
	json_object_object_del(body, "user");
	tx = storage_begin(req->bff->storage, 0);
	rc = tx != NULL ? storage_user_get(tx, user, u, &found) : -1;
	storage_rollback(tx);
	if (rc != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
	} else if (!found) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("There is no user \"%s\"; register the user with POST "
		               "/v1/admin/users first."),
		             user);
		rc = -1;
	}
	free(user);
	return rc;
}

/* Rewrites the time member name of data in the server's time zone. */
static void
record_local_time(json_object *data, const char *name)
{
	json_object *v = NULL;
	char out[40];
	time_t t;

	if (json_object_object_get_ex(data, name, &v) && json_object_is_type(v, json_type_string) &&
	    date_parse(json_object_get_string(v), &t) == 0)
		json_object_object_add(data, name,
		                       json_object_new_string(date_format(t, out, sizeof out)));
}

/* The common part of the two POSTs: user, decode with the shared codec,
 * store as TYPE-N. */
static void
record_publish(struct http_req *req, struct http_resp *resp, const char *type, const char *prefix,
               const char *const *members)
{
	json_object *body = NULL, *data = NULL, *o;
	struct wire_record r;
	struct wire_access a;
	struct feed_audience aud;
	struct user u;
	char *cause = NULL, *id = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	memset(&a, 0, sizeof a);
	if (http_json_body(req, resp, &body) != 0 || field_known(body, members, resp) != 0 ||
	    record_user(req, resp, body, &u) != 0)
		goto out;
	if (strcmp(type, "record") == 0) {
		record_local_time(body, "updated");
		rc = wire_record_from_json(body, NULL, &r, &cause);
		if (rc == 0)
			data = wire_record_encode(&r);
	} else {
		record_local_time(body, "when");
		rc = wire_access_from_json(body, NULL, &a, &cause);
		if (rc == 0)
			data = wire_access_encode(&a);
	}
	if (rc != 0) {
		http_problem(resp, 422, "Unprocessable Content", "%s", cause);
		goto out;
	}
	aud.user = u.id;
	aud.municipality = NULL;
	if (feed_item_add(req->bff->storage, type, prefix, &aud, data, &id, &cause) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		goto out;
	}
	log_info("%s %s added for user %s", type, id, u.id);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	http_json(resp, 201, o);
out:
	json_object_put(body);
	json_object_put(data);
	wire_record_release(&r);
	wire_access_release(&a);
	free(cause);
	free(id);
}

void
record_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const members[] = {"user",    "category", "title", "source",
	                                      "updated", "items",    NULL};

	record_publish(req, resp, "record", "r", members);
}

void
record_access_post(struct http_req *req, struct http_resp *resp)
{
	static const char *const members[] = {"user", "when",    "agency", "provider",
	                                      "item", "purpose", NULL};

	record_publish(req, resp, "access_log", "l", members);
}

void
record_delete(struct http_req *req, struct http_resp *resp)
{
	admin_delete(req, resp, "record");
}

void
record_access_delete(struct http_req *req, struct http_resp *resp)
{
	admin_delete(req, resp, "access_log");
}
