#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bff.h"
#include "buf.h"
#include "date.h"
#include "demo_keys.h"
#include "feed.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "procedure.h"
#include "record.h"
#include "sig.h"
#include "storage.h"
#include "user.h"
#include "wire.h"

/*
 * The demo residents.  demo lives in Chiyoda (Tokyo), demo2 in Osaka, so
 * that a notice to one municipality, and each user's own items, can be
 * seen to reach only the right person.
 */
static const struct demo_user {
	const char *id;
	const char *municipality;
	const char *name;
} demo_users[] = {
        {"demo", "131016", "デモ 太郎"},
        {"demo2", "271004", "デモ 花子"},
};

enum demo_audience { DEMO_USER, DEMO_MUNICIPALITY, DEMO_ALL };

struct demo_notice {
	enum demo_audience audience;
	const char *to; /* user id or municipality code */
	int days_ago;
	const char *sender_ja, *sender_en;
	const char *title_ja, *title_en;
	const char *body_ja, *body_en;
	/* A forged notice: the signature is one the agency made for these
	 * bodies, copied onto the ones above. */
	const char *signed_body_ja, *signed_body_en;
};

#define CHIYODA_JA "千代田区役所"
#define CHIYODA_EN "Chiyoda City Office"
#define NENKIN_JA "日本年金機構"
#define NENKIN_EN "Japan Pension Service"

/* Oldest first, so that the feed's order follows publication. */
static const struct demo_notice demo_notices[] = {
        {DEMO_USER, "demo", 25, CHIYODA_JA, CHIYODA_EN, "住民税（普通徴収）の納付について",
         "Paying your resident tax yourself",
         "個人住民税を普通徴収で納める方は、年4回の納期（6月、8月、10月、翌年1月の各月末）に"
         "分けて納めます。口座振替を申し込むと、納め忘れがなくなります。",
         "If you pay resident tax yourself (ordinary collection), it is split into four "
         "instalments, due at the end of June, August, October and the following January. "
         "Sign up for direct debit so that you never miss one.",
         NULL, NULL},
        {DEMO_USER, "demo", 20, NENKIN_JA, NENKIN_EN,
         "ねんきん定期便をマイナポータルで確認できます",
         "Your pension record statement is on Mynaportal",
         "ねんきん定期便の内容を、マイナポータルからいつでも確認できます。"
         "これまでの加入記録や、将来受け取る年金の見込み額が分かります。",
         "You can check your Nenkin Teikibin, the yearly pension record statement, on "
         "Mynaportal at any time. It shows your contribution record and an estimate of your "
         "future pension.",
         NULL, NULL},
        {DEMO_USER, "demo", 15, CHIYODA_JA, CHIYODA_EN,
         "ふるさと納税ワンストップ特例の申請は1月10日まで",
         "Hometown tax one-stop exemption: apply by 10 January",
         "ふるさと納税ワンストップ特例を使うには、寄附した翌年の1月10日までに、寄附先の自治体に"
         "申請書を届けてください。寄附先が5自治体以内で、確定申告をしない方が使えます。\n"
         "確定申告をする場合、ワンストップ特例の申請は無効になります。寄附の内容も確定申告に"
         "含めてください。",
         "To use the hometown tax one-stop exemption, your application must reach each "
         "municipality you donated to by 10 January of the following year. It is for people "
         "who donated to no more than five municipalities and do not file a tax return.\n"
         "If you file a tax return, the one-stop applications no longer count, so include the "
         "donations in your return.",
         NULL, NULL},
        {DEMO_USER, "demo", 12, "東京都主税局", "Bureau of Taxation, Tokyo Metropolitan Government",
         "自動車税（種別割）の納付について", "About the automobile tax",
         "自動車税（種別割）は、毎年4月1日現在の自動車の所有者に課税されます。納税通知書は"
         "5月上旬に送付し、納期限は5月31日です。\n"
         "スマートフォン決済アプリやクレジットカードでも納められます。",
         "Automobile tax is charged to whoever owns the vehicle on 1 April each year. Tax "
         "notices are sent in early May, and the tax is due by 31 May.\n"
         "You can also pay with a smartphone payment app or a credit card.",
         NULL, NULL},
        {DEMO_USER, "demo", 10, "デジタル庁", "Digital Agency", "公金受取口座を登録しましょう",
         "Register a bank account for public payments",
         "公金受取口座を登録すると、給付金や児童手当、税の還付金などを、申請のたびに口座情報を"
         "書かずに受け取れます。登録はマイナポータルで数分でできます。登録した口座はいつでも"
         "変更や削除ができます。",
         "Register a bank account for public payments and receive benefits, child allowance "
         "and tax refunds without writing your bank details on every application. It takes a "
         "few minutes on Mynaportal, and you can change or remove the account at any time.",
         NULL, NULL},
        {DEMO_USER, "demo", 8, "国税庁", "National Tax Agency", "確定申告はマイナポータル連携で",
         "File your tax return with the Mynaportal link",
         "所得税の確定申告の期間は、毎年2月16日から3月15日までです。マイナポータル連携を使うと、"
         "医療費通知、ふるさと納税の寄附金受領証明書、公的年金の源泉徴収票などのデータを、"
         "e-Taxの申告書に自動で入力できます。\n"
         "還付を受けるための申告は、翌年1月1日から5年間できます。",
         "The filing period for income tax returns runs from 16 February to 15 March every "
         "year. With the Mynaportal link, e-Tax fills in your return with data such as medical "
         "expense notices, receipts for hometown tax donations and public pension withholding "
         "slips.\n"
         "A return only to claim a refund can be filed for five years from 1 January of the "
         "following year.",
         NULL, NULL},
        {DEMO_USER, "demo", 5, CHIYODA_JA, CHIYODA_EN, "国民健康保険料の納期限が過ぎています",
         "Your national health insurance premium is overdue",
         "今期の国民健康保険料の納期限が過ぎています。お手元の納付書で、金融機関、"
         "コンビニエンスストア、またはスマートフォン決済アプリでお支払いください。\n"
         "納付が難しい場合は、区役所の保険年金課で分割納付などのご相談をお受けしています。",
         "The payment date for this instalment of your national health insurance premium has "
         "passed. Please pay with the payment slip you received, at a bank, a convenience store "
         "or with a smartphone payment app.\n"
         "If paying is difficult, the insurance and pension section of the city office can "
         "discuss paying in instalments with you.",
         NULL, NULL},
        {DEMO_MUNICIPALITY, "131016", 4, CHIYODA_JA, CHIYODA_EN, "証明書はコンビニでも取れます",
         "Get certificates at convenience stores",
         "マイナンバーカードがあれば、住民票の写しや印鑑登録証明書などを、全国のコンビニエンス"
         "ストアで毎日6時30分から23時まで取得できます。",
         "With your My Number Card you can get a copy of your residence record, a seal "
         "registration certificate and more at convenience stores across Japan, every day from "
         "6:30 to 23:00.",
         NULL, NULL},
        {DEMO_USER, "demo", 3, NENKIN_JA, NENKIN_EN, "国民年金保険料の納付のお願い",
         "Please pay your national pension premium",
         "国民年金保険料の納付が確認できていない月があります。保険料の納付期限は、対象月の翌月末日"
         "です。納め忘れがあると、将来受け取る年金額が少なくなったり、障害年金や遺族年金を受け取れ"
         "なくなったりすることがあります。\n"
         "経済的に納付が難しい場合は、保険料の免除や納付猶予を申請できます。",
         "We have not received your national pension premium for some months. Each month's "
         "premium is due by the end of the following month. Unpaid months can lower the pension "
         "you receive later and may leave you without a disability or survivors' pension.\n"
         "If paying is difficult, you can apply for an exemption or a postponement.",
         NULL, NULL},
        {DEMO_USER, "demo", 2, CHIYODA_JA, CHIYODA_EN, "児童手当の認定請求をお忘れなく",
         "Remember to apply for the child allowance",
         "お子さんが生まれたときは、出生日の翌日から15日以内に児童手当の認定請求をしてください。"
         "15日を過ぎると、遅れた月の分の手当を受け取れないことがあります。マイナポータルからも"
         "申請できます。\n"
         "児童手当は偶数月（2月・4月・6月・8月・10月・12月）に、前月までの2か月分が支払われます。",
         "When a child is born, apply for the child allowance within 15 days of the day after "
         "the birth. If you apply later, you may lose the allowance for the months of delay. "
         "You can also apply on Mynaportal.\n"
         "The allowance is paid in even months (February, April, June, August, October and "
         "December), each time for the two months before.",
         NULL, NULL},
        {DEMO_USER, "demo2", 2, "大阪市役所", "Osaka City Office",
         "転出届はマイナポータルから出せます", "Send your moving-out notification on Mynaportal",
         "大阪市から引越しをする方は、マイナポータルの引越しワンストップサービスで、転出届を"
         "オンラインで出せます。そのあと、引越しの日から14日以内に、引越し先の市区町村で"
         "転入届を出してください。",
         "If you are moving out of Osaka City, you can send your moving-out notification "
         "online with the Mynaportal moving one-stop service. Then file a moving-in "
         "notification with your new municipality within 14 days of the move.",
         NULL, NULL},
        {DEMO_USER, "demo", 1, CHIYODA_JA, CHIYODA_EN,
         "マイナンバーカードの電子証明書の有効期限が近づいています",
         "The certificates on your My Number Card expire soon",
         "あなたのマイナンバーカードの署名用電子証明書と利用者証明用電子証明書は、まもなく有効期限"
         "を迎えます。期限が過ぎると、マイナポータルへのログイン、コンビニでの証明書の取得、e-Tax"
         "などが使えなくなります。\n"
         "更新は有効期限の3か月前からできます。マイナンバーカードと、設定した暗証番号をお持ちの"
         "うえ、区役所の窓口または出張所でお手続きください。手数料はかかりません。",
         "The signature certificate and the user certificate on your My Number Card will soon "
         "expire. After that you can no longer sign in to Mynaportal, get certificates at "
         "convenience stores or file with e-Tax.\n"
         "You can renew them from three months before they expire. Bring your card and the PINs "
         "you set to the city office or a branch office. Renewal is free of charge.",
         NULL, NULL},
        /* Phishing that imitates the Digital Agency, with a signature
         * copied from one of its real notices: clients show that the
         * signature does not match. */
        {DEMO_USER, "demo", 1, "デジタル庁", "Digital Agency",
         "【重要】マイナポイントの再申請が必要です",
         "Important: you must apply again for your My Number points",
         "マイナポイントの申請に不備がありました。3日以内に、次のサイトでマイナンバーカードの番号と"
         "暗証番号を入力して、もう一度申請してください。\n"
         "https://mynaportal-jp.example/repoint",
         "There was a problem with your My Number points application. Within 3 days, apply "
         "again at the site below by entering your My Number Card's number and PIN.\n"
         "https://mynaportal-jp.example/repoint",
         "マイナポイントの申請の受付は終了しました。",
         "Applications for My Number points have closed."},
};

/* The demo agencies sign what they send (with the published demo keys of
 * demo_keys.c); the others' notices stay unsigned. */
static const struct {
	const char *sender_ja;
	const char *agency;
} demo_agencies[] = {
        {CHIYODA_JA, "demo-chiyoda"},
        {NENKIN_JA, "demo-nenkin"},
        {"デジタル庁", "demo-digital"},
        {"国税庁", "demo-nta"},
};

#define DEMO_NELEMS(a) (sizeof(a) / sizeof(a)[0])

static const char *const demo_month_en[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December",
};
static const char *const demo_wday_ja[7] = {"日", "月", "火", "水", "木", "金", "土"};
static const char *const demo_wday_en[7] = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

/* 23:59:59 local time on year-month-day (mktime normalises day 0 and
 * month 13, which gives month ends and next years). */
static time_t
demo_day_end(int year, int month, int day)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The end of the day days after now's date. */
static time_t
demo_days(time_t now, int days)
{
	return date_day_start(now, days + 1) - 1;
}

/* The next month/day (end of day) that is not past. */
static time_t
demo_next(time_t now, int month, int day)
{
	struct tm tm;
	time_t t;

	localtime_r(&now, &tm);
	t = demo_day_end(tm.tm_year + 1900, month, day);
	if (t < now)
		t = demo_day_end(tm.tm_year + 1900 + 1, month, day);
	return t;
}

static int
demo_year_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static int
demo_deadline(struct storage *store, const char *user, const char *procedure, time_t due,
              const char *ja, const char *en, char **cause)
{
	struct wire_deadline d;
	struct user u;
	char when[40], proc[PROCEDURE_ID_MAX];
	char *id = NULL;
	int ret;
	size_t i;

	memset(&d, 0, sizeof d);
	d.title.ja = (char *)ja;
	d.title.en = (char *)en;
	/* The procedure as the user finds it in their catalogue. */
	memset(&u, 0, sizeof u);
	for (i = 0; i < DEMO_NELEMS(demo_users); i++)
		if (strcmp(demo_users[i].id, user) == 0)
			snprintf(u.municipality, sizeof u.municipality, "%s",
			         demo_users[i].municipality);
	if (procedure != NULL &&
	    procedure_demo_id(u.municipality, procedure, proc, sizeof proc) == 0)
		d.procedure = proc;
	else
		d.procedure = (char *)procedure;
	d.due = date_format(due, when, sizeof when);
	ret = feed_deadline_add(store, user, &d, &id, cause);
	free(id);
	return ret;
}

/* The deadlines of demo, relative to today: some overdue, several in the
 * coming week, others weeks and months away.  Life events (a birth twelve
 * days ago, a card certificate about to expire) have dates of their own;
 * taxes and premiums follow their real calendars. */
static int
demo_deadlines(struct storage *store, time_t now, char **cause)
{
	static const struct {
		int days;
		const char *procedure, *ja, *en;
	} relative[] = {
	        {-9, "koteishisan", "固定資産税・都市計画税の納付", "Fixed asset tax payment"},
	        {-4, "kokuho", "国民健康保険料（今期分）の納付",
	         "National health insurance premium, this instalment"},
	        {2, "shussei", "出生届の提出（出生から14日以内）",
	         "Birth registration (within 14 days of the birth)"},
	        {3, "jidouteate-nintei", "児童手当の認定請求（出生日の翌日から15日以内）",
	         "Child allowance application (within 15 days of the birth)"},
	        {6, "myna-cert", "マイナンバーカードの電子証明書の更新",
	         "Renew the certificates on your My Number Card"},
	        {24, "menkyo", "運転免許証の更新", "Renew your driving licence"},
	        {75, "passport", "パスポートの切替申請", "Renew your passport"},
	};
	struct tm tm;
	char *ja = NULL, *en = NULL;
	time_t due;
	size_t i;
	int y, m, k, ret = -1;

	for (i = 0; i < DEMO_NELEMS(relative); i++)
		if (demo_deadline(store, "demo", relative[i].procedure,
		                  demo_days(now, relative[i].days), relative[i].ja, relative[i].en,
		                  cause) != 0)
			return -1;

	/* National pension: each month's premium is due at the end of the
	 * next month.  Last month's due date has passed; this month's is near. */
	localtime_r(&now, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	for (k = 0; k < 2; k++) {
		int due_month = m - 1 + k;   /* last month, then this month */
		int premium = due_month - 1; /* the month the premium is for */

		while (premium < 1)
			premium += 12;
		due = demo_day_end(y, due_month + 1, 0);
		ja = xasprintf("国民年金保険料（%d月分）の納付", premium);
		en = xasprintf("National pension premium for %s", demo_month_en[premium - 1]);
		if (demo_deadline(store, "demo", "kokumin-nenkin", due, ja, en, cause) != 0)
			goto out;
		xfree(&ja);
		xfree(&en);
	}

	/* Resident tax: four instalments at the end of June, August, October
	 * and January. */
	{
		static const int months[4] = {6, 8, 10, 13}; /* 13: next January */
		time_t best = 0;
		int n = 0;

		for (k = 0; k < 4 && best == 0; k++) {
			due = demo_day_end(y, months[k] + 1, 0);
			if (due >= now) {
				best = due;
				n = k + 1;
			}
		}
		if (best == 0) { /* only possible in January after the 4th */
			best = demo_day_end(y, 7, 0);
			n = 1;
		}
		ja = xasprintf("個人住民税（第%d期）の納付", n);
		en = xasprintf("Resident tax, instalment %d of 4", n);
		if (demo_deadline(store, "demo", "juminzei", best, ja, en, cause) != 0)
			goto out;
		xfree(&ja);
		xfree(&en);
	}

	due = demo_next(now, 3, 15);
	ja = xasprintf("所得税の確定申告（%d年分）", demo_year_of(due) - 1);
	en = xasprintf("Income tax return for %d", demo_year_of(due) - 1);
	if (demo_deadline(store, "demo", "kakutei-shinkoku", due, ja, en, cause) != 0)
		goto out;
	xfree(&ja);
	xfree(&en);

	due = demo_next(now, 1, 10);
	ja = xasprintf("ふるさと納税ワンストップ特例の申請（%d年の寄附分）", demo_year_of(due) - 1);
	en = xasprintf("Hometown tax one-stop exemption for %d donations", demo_year_of(due) - 1);
	if (demo_deadline(store, "demo", "furusato-onestop", due, ja, en, cause) != 0)
		goto out;

	if (demo_deadline(store, "demo", "jidoushazei", demo_next(now, 5, 31),
	                  "自動車税（種別割）の納付", "Automobile tax payment", cause) != 0)
		goto out;

	/* demo2's own: a move out of Osaka, and an instalment of resident tax. */
	if (demo_deadline(store, "demo2", "tenshutsu", demo_days(now, 5),
	                  "転出届の提出（引越しの日まで）",
	                  "Moving-out notification (before the move)", cause) != 0 ||
	    demo_deadline(store, "demo2", "kokuho", demo_days(now, 12),
	                  "国民健康保険料（今期分）の納付",
	                  "National health insurance premium, this instalment", cause) != 0)
		goto out;
	ret = 0;
out:
	free(ja);
	free(en);
	return ret;
}

/* Signs n as its demo agency (the one of its sender), or leaves it
 * unsigned when the sender is not a demo agency. */
static int
demo_sign(struct wire_notice *n, char **cause)
{
	struct sig_key *key = NULL;
	const char *agency = NULL;
	size_t i;

	for (i = 0; i < DEMO_NELEMS(demo_agencies); i++) {
		if (strcmp(n->sender.ja, demo_agencies[i].sender_ja) == 0)
			agency = demo_agencies[i].agency;
	}
	if (agency == NULL)
		return 0;
	for (i = 0; i < demo_nkeys && key == NULL; i++) {
		if (strcmp(demo_keys[i].agency, agency) == 0)
			key = sig_key_from_pem(demo_keys[i].pem, strlen(demo_keys[i].pem), cause);
	}
	if (key == NULL) {
		if (*cause == NULL)
			*cause = xasprintf(_("no demo key for %s"), agency);
		return -1;
	}
	n->agency = (char *)agency;
	n->signature = sig_sign(key, n, cause);
	sig_key_free(key);
	return n->signature != NULL ? 0 : -1;
}

static int
demo_notice(struct storage *store, const struct feed_audience *aud, time_t published,
            const struct demo_notice *d, char **cause)
{
	struct wire_notice n;
	char when[40];
	char *id = NULL;
	int ret;

	memset(&n, 0, sizeof n);
	n.sender.ja = (char *)d->sender_ja;
	n.sender.en = (char *)d->sender_en;
	n.title.ja = (char *)d->title_ja;
	n.title.en = (char *)d->title_en;
	n.body.ja = (char *)(d->signed_body_ja != NULL ? d->signed_body_ja : d->body_ja);
	n.body.en = (char *)(d->signed_body_en != NULL ? d->signed_body_en : d->body_en);
	n.published = date_format(published, when, sizeof when);
	if (demo_sign(&n, cause) != 0)
		return -1;
	n.body.ja = (char *)d->body_ja;
	n.body.en = (char *)d->body_en;
	ret = feed_notice_add(store, aud, &n, &id, cause);
	free(n.signature);
	free(id);
	return ret;
}

/* 10:00 on the day days_ago before now. */
static time_t
demo_morning(time_t now, int days_ago)
{
	return date_day_start(now, -days_ago) + 10 * 3600;
}

static int
demo_notices_add(struct storage *store, time_t now, char **cause)
{
	struct feed_audience aud;
	struct tm tm;
	time_t day;
	char *ja = NULL, *en = NULL;
	size_t i;
	int ret = -1;

	for (i = 0; i < DEMO_NELEMS(demo_notices); i++) {
		const struct demo_notice *d = &demo_notices[i];

		aud.user = d->audience == DEMO_USER ? d->to : NULL;
		aud.municipality = d->audience == DEMO_MUNICIPALITY ? d->to : NULL;
		if (demo_notice(store, &aud, demo_morning(now, d->days_ago), d, cause) != 0)
			return -1;
	}

	/* To everyone: a maintenance window ten days from now. */
	day = date_day_start(now, 10);
	localtime_r(&day, &tm);
	ja = xasprintf("システムメンテナンスのため、%d年%d月%d日（%s）の午前2時から午前6時まで、"
	               "マイナポータルの一部の機能が使えません。ご不便をおかけしますが、"
	               "ご理解をお願いいたします。",
	               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, demo_wday_ja[tm.tm_wday]);
	en = xasprintf(
	        "Because of system maintenance, some Mynaportal services will be unavailable "
	        "on %s %d %s %d from 2:00 to 6:00 a.m. We apologise for the inconvenience.",
	        demo_wday_en[tm.tm_wday], tm.tm_mday, demo_month_en[tm.tm_mon], tm.tm_year + 1900);
	aud.user = NULL;
	aud.municipality = NULL;
	{
		const struct demo_notice maintenance = {
		        DEMO_ALL, NULL, 1, "デジタル庁", "Digital Agency",
		        "マイナポータルのメンテナンスのお知らせ", "Mynaportal maintenance", ja, en,
		        NULL, NULL};

		if (demo_notice(store, &aud, demo_morning(now, 1), &maintenance, cause) != 0)
			goto out;
	}
	ret = 0;
out:
	free(ja);
	free(en);
	return ret;
}

int
demo_load(struct storage *store, time_t now, char **cause)
{
	struct storage_tx *tx;
	long long users = 0;
	size_t i;
	int exists = 0;

	*cause = NULL;
	tx = storage_begin(store, 1);
	if (tx == NULL || storage_user_count(tx, &users) != 0) {
		storage_rollback(tx);
		*cause = xstrdup(_("cannot count the users"));
		return -1;
	}
	if (users > 0) {
		storage_rollback(tx);
		log_info("demo: the database has users already; nothing added");
		return 0;
	}
	for (i = 0; i < DEMO_NELEMS(demo_users); i++) {
		if (storage_user_add(tx, demo_users[i].id, demo_users[i].municipality,
		                     demo_users[i].name, now, &exists) != 0 ||
		    exists) {
			storage_rollback(tx);
			*cause = xasprintf(_("cannot add the demo user %s"), demo_users[i].id);
			return -1;
		}
	}
	if (storage_commit(tx) != 0) {
		*cause = xstrdup(_("cannot add the demo users"));
		return -1;
	}
	{
		const char *places[DEMO_NELEMS(demo_users)];

		for (i = 0; i < DEMO_NELEMS(demo_users); i++)
			places[i] = demo_users[i].municipality;
		if (procedure_demo_load(store, places, DEMO_NELEMS(places), cause) != 0)
			return -1;
	}
	if (demo_deadlines(store, now, cause) != 0 || demo_notices_add(store, now, cause) != 0 ||
	    record_demo_load(store, now, cause) != 0)
		return -1;
	log_info("demo: added users demo (131016) and demo2 (271004) with their procedures, "
	         "deadlines, notices, records and access records");
	return 0;
}

#define DEMO_PAGE_HEAD                                                                             \
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"                  \
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"               \
	"<title>%s - myna demo</title>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n"
static const char demo_page_tail[] = "</main>\n</body>\n</html>\n";

/* Sends an HTML page: head with title, the body text (already HTML), tail. */
static void
demo_html(struct http_resp *resp, int status, const char *title, const char *html)
{
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, DEMO_PAGE_HEAD, title, title);
	buf_addstr(&b, html);
	buf_addstr(&b, demo_page_tail);
	http_text(resp, status, "text/html; charset=utf-8", b.data);
	buf_release(&b);
	http_header(resp, "Content-Security-Policy",
	            "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
}

void
demo_page(struct http_req *req, struct http_resp *resp)
{
	char code[AUTH_USER_CODE_LEN + 1] = "";
	struct buf b;
	size_t i;

	/* Only a well-formed code is echoed, so nothing needs escaping. */
	if (auth_user_code_normalize(http_query(req, "user_code"), code) != 0)
		code[0] = '\0';
	buf_init(&b, 0);
	buf_printf(
	        &b,
	        "<p>On this demo server, this page stands in for approving a sign-in with "
	        "your My Number Card.</p>\n"
	        "<form method=\"post\" action=\"/device\">\n"
	        "<p><label for=\"user_code\">User code shown in the terminal</label>\n"
	        "<input id=\"user_code\" name=\"user_code\" value=\"%s\" autocomplete=\"off\" "
	        "required></p>\n"
	        "<p><label for=\"user\">Sign in as</label>\n<select id=\"user\" name=\"user\">\n",
	        code);
	for (i = 0; i < DEMO_NELEMS(demo_users); i++)
		buf_printf(&b, "<option value=\"%s\">%s (%s)</option>\n", demo_users[i].id,
		           demo_users[i].id, demo_users[i].municipality);
	buf_addstr(&b, "</select></p>\n"
	               "<p><button name=\"action\" value=\"approve\">Approve</button>\n"
	               "<button name=\"action\" value=\"deny\">Deny</button></p>\n</form>\n");
	demo_html(resp, 200, "Approve a sign-in", b.data);
	buf_release(&b);
}

void
demo_page_post(struct http_req *req, struct http_resp *resp)
{
	const char *action, *msg = NULL;
	char *cause = NULL;
	struct form f;
	int approve, status = 200;

	if (form_parse(&f, req->body, req->body_len, &cause) != 0) {
		demo_html(resp, 400, "Not understood",
		          "<p>The form could not be read. Go back and try again.</p>\n");
		goto out;
	}
	action = form_get(&f, "action");
	approve = action == NULL || strcmp(action, "deny") != 0;
	switch (auth_device_decide(req->bff, form_get(&f, "user_code"), form_get(&f, "user"),
	                           approve)) {
	case AUTH_DECIDE_OK:
		msg = approve ? "<p>Approved. Go back to the terminal: it signs in by itself.</p>\n"
		              : "<p>Denied. The terminal will say that the sign-in was "
		                "refused.</p>\n";
		break;
	case AUTH_DECIDE_NO_CODE:
		status = 404;
		msg = "<p>No sign-in is waiting with this code, or it has expired. Check the code "
		      "in the terminal, or start the sign-in again.</p>\n";
		break;
	case AUTH_DECIDE_NO_USER:
		status = 404;
		msg = "<p>There is no such resident.</p>\n";
		break;
	case AUTH_DECIDE_DONE:
		status = 409;
		msg = "<p>This code has been used already.</p>\n";
		break;
	case AUTH_DECIDE_ERROR:
		status = 500;
		msg = "<p>Something went wrong on the server. Try again later.</p>\n";
		break;
	}
	demo_html(resp, status, status == 200 ? "Done" : "Not done", msg);
out:
	form_release(&f);
	free(cause);
}
