#include "procedure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bff.h"
#include "feed.h"
#include "field.h"
#include "i18n.h"
#include "log.h"
#include "mem.h"
#include "municipality.h"
#include "storage.h"
#include "text.h"
#include "wire.h"

/* Who handles a procedure, as seen from a municipality. */
enum procedure_agency {
	AGENCY_NATIONAL, /* the national body named in the entry */
	AGENCY_CITY,     /* the city or ward office */
	AGENCY_INSURER,  /* the city as the national health insurance insurer */
	AGENCY_PREF_TAX, /* the prefecture's tax office */
	AGENCY_PROPERTY, /* fixed asset tax: the city, or Tokyo in its 23 wards */
	AGENCY_POLICE,   /* the prefectural police (driving licences) */
	AGENCY_PASSPORT  /* the prefecture's passport office */
};

/* A municipality of the demo and the bodies that serve its residents. */
static const struct procedure_place {
	const char *code;
	const char *city_ja, *city_en;
	const char *insurer_ja, *insurer_en;
	const char *tax_ja, *tax_en;
	const char *property_ja, *property_en;
	const char *police_ja, *police_en;
	const char *passport_ja, *passport_en;
} procedure_places[] = {
        {"131016", "千代田区役所", "Chiyoda City Office", "千代田区 保険年金課",
         "Chiyoda City, Insurance and Pension Section", "東京都主税局 千代田都税事務所",
         "Tokyo Metropolitan Government, Chiyoda Tax Office", "東京都主税局 千代田都税事務所",
         "Tokyo Metropolitan Government, Chiyoda Tax Office", "警視庁 運転免許本部",
         "Tokyo Metropolitan Police Department, Driver's Licence Division",
         "東京都 有楽町パスポートセンター", "Tokyo Passport Center, Yurakucho"},
        {"271004", "大阪市役所（お住まいの区役所）", "Osaka City Office (your ward office)",
         "大阪市 区役所 保険年金担当", "Osaka City, ward office insurance and pension counter",
         "大阪府 府税事務所", "Osaka Prefecture Tax Office", "大阪市 市税事務所",
         "Osaka City Tax Office", "大阪府警察 運転免許試験場",
         "Osaka Prefectural Police, Driver's Licence Centre", "大阪府パスポートセンター",
         "Osaka Prefecture Passport Center"},
};

#define PROCEDURE_NELEMS(a) (sizeof(a) / sizeof(a)[0])

struct procedure_choice {
	const char *value, *ja, *en;
};

struct procedure_field {
	const char *name;
	enum wire_field_type type;
	const char *ja, *en; /* the label */
	int required;
	const char *pattern;
	long max_length;
	int has_min, has_max;
	long long min, max;
	const struct procedure_choice *choices; /* ended by a NULL value */
	const char *help_ja, *help_en;
};

/* The fields that are amounts of money, in yen. */
static const char *const procedure_yen_fields[] = {"donation_amount", "amount_paid", "gift_total"};

static enum wire_unit procedure_field_unit(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof procedure_yen_fields / sizeof procedure_yen_fields[0]; i++) {
		if (strcmp(procedure_yen_fields[i], name) == 0)
			return WIRE_UNIT_YEN;
	}
	return WIRE_UNIT_NONE;
}

struct procedure_entry {
	const char *id;
	enum procedure_agency agency;
	const char *agency_ja, *agency_en; /* AGENCY_NATIONAL only */
	const char *name_ja, *name_en;
	const char *desc_ja, *desc_en;
	const char *deadline_ja, *deadline_en;
	const char *const *documents; /* ja, en, ja, en, ..., NULL */
	int online;
	const struct procedure_field *fields; /* ended by a NULL name */
};

/* The tables are laid out by hand, a field or an entry per line group. */
/* clang-format off */
/* --- choices and fields used by several forms ------------------------------ */

static const struct procedure_choice choices_account[] = {
        {"futsu", "普通", "Ordinary"},
        {"touza", "当座", "Current"},
        {NULL, NULL, NULL},
};

#define FIELD_PHONE(req)                                                                           \
	{"phone", WIRE_FIELD_TEXT, "日中の連絡先電話番号", "Daytime phone number", req,           \
	 "[0-9]{2,5}-?[0-9]{1,4}-?[0-9]{3,4}", 13, 0, 0, 0, 0, NULL, "例：03-1234-5678",          \
	 "For example 03-1234-5678"}

#define FIELDS_BANK                                                                                \
	{"bank_code", WIRE_FIELD_TEXT, "金融機関コード", "Bank code", 1, "[0-9]{4}", 4, 0, 0, 0,   \
	 0, NULL, "4けたの数字", "4 digits"},                                                         \
	        {"branch_code", WIRE_FIELD_TEXT, "支店コード", "Branch code", 1, "[0-9]{3}", 3, 0, \
	         0, 0, 0, NULL, "3けたの数字", "3 digits"},                                            \
	        {"account_type", WIRE_FIELD_CHOICE, "預金の種類", "Account type", 1, NULL, 0, 0, 0, \
	         0, 0, choices_account, NULL, NULL},                                                  \
	        {"account_number", WIRE_FIELD_TEXT, "口座番号", "Account number", 1, "[0-9]{7}", 7, \
	         0, 0, 0, 0, NULL, "7けたの数字（足りないときは前に0を付けます）",                    \
	         "7 digits (pad with leading zeros)"},                                                \
	        {"account_holder", WIRE_FIELD_TEXT, "口座名義（カタカナ）",                            \
	         "Account holder's name (katakana)", 1, NULL, 30, 0, 0, 0, 0, NULL, NULL, NULL}

#define FIELD_TAX_YEAR                                                                             \
	{"tax_year", WIRE_FIELD_NUMBER, "申告する年分（西暦）", "Tax year", 1, NULL, 0, 1, 1, 2019, \
	 2100, NULL, "例：2026", "For example 2026"}

#define FIELD_END {NULL, WIRE_FIELD_TEXT, NULL, NULL, 0, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}

static const struct procedure_field no_fields[] = {FIELD_END};

/* --- the forms ------------------------------------------------------------ */

static const struct procedure_choice choices_movers[] = {
        {"all", "世帯全員", "The whole household"},
        {"part", "世帯の一部", "Part of the household"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_tenshutsu[] = {
        {"move_date", WIRE_FIELD_DATE, "引越しの予定日", "Moving date", 1, NULL, 0, 0, 0, 0, 0,
         NULL, NULL, NULL},
        {"new_postal_code", WIRE_FIELD_TEXT, "引越し先の郵便番号", "Postal code of the new address",
         1, "[0-9]{3}-?[0-9]{4}", 8, 0, 0, 0, 0, NULL, "例：530-0001", "For example 530-0001"},
        {"new_address", WIRE_FIELD_TEXT, "引越し先の住所", "New address", 1, NULL, 200, 0, 0, 0,
         0, NULL, NULL, NULL},
        {"movers", WIRE_FIELD_CHOICE, "引越しする人", "Who is moving", 1, NULL, 0, 0, 0, 0, 0,
         choices_movers, NULL, NULL},
        FIELD_PHONE(1),
        FIELD_END,
};

static const struct procedure_choice choices_claimant[] = {
        {"parent", "父または母", "Father or mother"},
        {"guardian", "未成年後見人", "Guardian"},
        {"other", "その他（父母指定者など）", "Other (a person named by the parents)"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_jidouteate[] = {
        {"child_name", WIRE_FIELD_TEXT, "お子さんの氏名", "Child's name", 1, NULL, 50, 0, 0, 0, 0,
         NULL, NULL, NULL},
        {"child_birth_date", WIRE_FIELD_DATE, "お子さんの生年月日", "Child's date of birth", 1,
         NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
        {"claimant", WIRE_FIELD_CHOICE, "お子さんとの続柄", "Your relation to the child", 1, NULL,
         0, 0, 0, 0, 0, choices_claimant, NULL, NULL},
        {"lives_with_child", WIRE_FIELD_BOOL, "お子さんと同居している",
         "The child lives with you", 1, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
        FIELDS_BANK,
        FIELD_END,
};

static const struct procedure_field fields_onestop[] = {
        {"donation_date", WIRE_FIELD_DATE, "寄附した日", "Date of the donation", 1, NULL, 0, 0, 0,
         0, 0, NULL, NULL, NULL},
        {"donation_amount", WIRE_FIELD_NUMBER, "寄附した金額（円）", "Amount donated (yen)", 1,
         NULL, 0, 1, 1, 1, 100000000, NULL, NULL, NULL},
        {"receipt_number", WIRE_FIELD_TEXT, "受領証明書の番号", "Receipt number", 0,
         "[0-9A-Za-z-]+", 30, 0, 0, 0, 0, NULL, NULL, NULL},
        {"no_tax_return", WIRE_FIELD_BOOL, "確定申告をする必要がない",
         "I do not need to file a tax return", 1, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
        {"five_or_fewer", WIRE_FIELD_BOOL, "この年の寄附先は5自治体以内",
         "I donated to five municipalities or fewer this year", 1, NULL, 0, 0, 0, 0, 0, NULL,
         NULL, NULL},
        FIELD_END,
};

static const struct procedure_choice choices_pension_payment[] = {
        {"monthly", "毎月納付", "Every month"},
        {"six_months", "6か月前納", "Six months in advance"},
        {"yearly", "1年前納", "One year in advance"},
        {"two_years", "2年前納", "Two years in advance"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_nenkin[] = {
        {"payment", WIRE_FIELD_CHOICE, "口座振替の納付方法", "How often to pay by direct debit",
         1, NULL, 0, 0, 0, 0, 0, choices_pension_payment, "前納すると保険料が割り引かれます。",
         "Paying in advance lowers the premium."},
        FIELDS_BANK,
        FIELD_END,
};

static const struct procedure_choice choices_card_reason[] = {
        {"expiry", "有効期限が近い", "It expires soon"},
        {"lost", "紛失した", "It was lost"},
        {"damaged", "破損した", "It is damaged"},
        {NULL, NULL, NULL},
};

static const struct procedure_choice choices_pickup[] = {
        {"office", "区役所・市役所の窓口", "The city or ward office"},
        {"branch", "出張所・支所", "A branch office"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_myna_card[] = {
        {"reason", WIRE_FIELD_CHOICE, "申請の理由", "Why you apply", 1, NULL, 0, 0, 0, 0, 0,
         choices_card_reason, NULL, NULL},
        {"photo_ready", WIRE_FIELD_BOOL, "顔写真のデータを用意した",
         "I have a digital photo of my face ready", 1, NULL, 0, 0, 0, 0, 0, NULL,
         "6か月以内に撮影した、正面・無帽・無背景の写真", "Taken in the last six months, "
                                                       "facing forward, no hat, plain background"},
        {"pickup", WIRE_FIELD_CHOICE, "受け取る場所", "Where to collect the card", 1, NULL, 0,
         0, 0, 0, 0, choices_pickup, NULL, NULL},
        FIELD_PHONE(1),
        FIELD_END,
};

static const struct procedure_choice choices_validity[] = {
        {"5y", "5年", "5 years"},
        {"10y", "10年", "10 years"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_passport[] = {
        {"passport_number", WIRE_FIELD_TEXT, "今のパスポートの旅券番号",
         "Number of your current passport", 1, "[A-Z]{2}[0-9]{7}", 9, 0, 0, 0, 0, NULL,
         "英字2文字と数字7けた（例：TR1234567）", "Two letters and seven digits (TR1234567)"},
        {"validity", WIRE_FIELD_CHOICE, "有効期間", "Validity", 1, NULL, 0, 0, 0, 0, 0,
         choices_validity, "18歳未満の方は5年だけです。", "Under 18: 5 years only."},
        {"name_roman", WIRE_FIELD_TEXT, "ローマ字の氏名", "Name in Roman letters", 1,
         "[A-Z][A-Z ,.'-]*", 40, 0, 0, 0, 0, NULL, "大文字で（例：YAMADA TARO）",
         "In capitals (YAMADA TARO)"},
        {"pickup", WIRE_FIELD_CHOICE, "受け取る窓口", "Where to collect it", 1, NULL, 0, 0, 0, 0,
         0, choices_pickup, NULL, NULL},
        FIELD_END,
};

static const struct procedure_field fields_kougaku[] = {
        {"treatment_month", WIRE_FIELD_TEXT, "診療を受けた年月", "Month of the treatment", 1,
         "[0-9]{4}-(0[1-9]|1[0-2])", 7, 0, 0, 0, 0, NULL, "例：2026-10", "For example 2026-10"},
        {"institution", WIRE_FIELD_TEXT, "医療機関の名前", "Hospital or clinic", 1, NULL, 100, 0,
         0, 0, 0, NULL, NULL, NULL},
        {"amount_paid", WIRE_FIELD_NUMBER, "窓口で支払った金額（円）", "Amount you paid (yen)", 1,
         NULL, 0, 1, 1, 1, 10000000, NULL, NULL, NULL},
        FIELDS_BANK,
        FIELD_END,
};

static const struct procedure_choice choices_reissue[] = {
        {"lost", "なくした", "Lost"},
        {"not_received", "届いていない", "Never arrived"},
        {"damaged", "汚れた・破れた", "Damaged"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_kenshin[] = {
        {"reason", WIRE_FIELD_CHOICE, "受診券の再発行の理由", "Why a new checkup voucher", 1, NULL,
         0, 0, 0, 0, 0, choices_reissue, NULL, NULL},
        {"clinic", WIRE_FIELD_TEXT, "受診したい医療機関", "Clinic you want to go to", 0, NULL, 100,
         0, 0, 0, 0, NULL, NULL, NULL},
        FIELD_END,
};

static const struct procedure_choice choices_kaigo[] = {
        {"new", "新規", "First application"},
        {"renewal", "更新", "Renewal"},
        {"change", "区分変更", "Change of care level"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_kaigo[] = {
        {"insured_number", WIRE_FIELD_TEXT, "介護保険の被保険者番号", "Long-term care insurance number",
         1, "[0-9]{10}", 10, 0, 0, 0, 0, NULL, "10けたの数字", "10 digits"},
        {"application", WIRE_FIELD_CHOICE, "申請の種類", "Kind of application", 1, NULL, 0, 0, 0,
         0, 0, choices_kaigo, NULL, NULL},
        {"condition", WIRE_FIELD_TEXT, "今の心身の状態", "Your condition now", 1, NULL, 500, 0, 0,
         0, 0, NULL, "困っていることを具体的に", "What you find hard, in your own words"},
        {"doctor", WIRE_FIELD_TEXT, "主治医の氏名", "Your doctor's name", 1, NULL, 50, 0, 0, 0, 0,
         NULL, NULL, NULL},
        {"clinic", WIRE_FIELD_TEXT, "主治医の医療機関", "Your doctor's hospital or clinic", 1,
         NULL, 100, 0, 0, 0, 0, NULL, NULL, NULL},
        FIELD_END,
};

static const struct procedure_choice choices_income[] = {
        {"salary", "給与", "Salary"},
        {"pension", "公的年金", "Public pension"},
        {"business", "事業", "Business"},
        {"other", "その他", "Other"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_kakutei[] = {
        FIELD_TAX_YEAR,
        {"main_income", WIRE_FIELD_CHOICE, "主な所得", "Main income", 1, NULL, 0, 0, 0, 0, 0,
         choices_income, NULL, NULL},
        {"medical_deduction", WIRE_FIELD_BOOL, "医療費控除を受ける",
         "Claim the medical expense deduction", 1, NULL, 0, 0, 0, 0, 0, NULL,
         "医療費通知の情報を取り込めます。", "Medical expense notices can be filled in for you."},
        {"donation_deduction", WIRE_FIELD_BOOL, "寄附金控除（ふるさと納税など）を受ける",
         "Claim the donation deduction (hometown tax and others)", 1, NULL, 0, 0, 0, 0, 0, NULL,
         NULL, NULL},
        FIELD_PHONE(0),
        FIELD_END,
};

static const struct procedure_choice choices_giver[] = {
        {"parent", "父母", "Parent"},
        {"grandparent", "祖父母", "Grandparent"},
        {"spouse", "配偶者", "Spouse"},
        {"other", "その他", "Other"},
        {NULL, NULL, NULL},
};

static const struct procedure_choice choices_gift_system[] = {
        {"calendar", "暦年課税", "Calendar-year taxation"},
        {"settlement", "相続時精算課税", "Settlement at inheritance"},
        {NULL, NULL, NULL},
};

static const struct procedure_field fields_zouyo[] = {
        FIELD_TAX_YEAR,
        {"gift_total", WIRE_FIELD_NUMBER, "もらった財産の合計額（円）",
         "Total value of the gifts (yen)", 1, NULL, 0, 1, 1, 0, 1000000000000LL, NULL, NULL,
         NULL},
        {"giver", WIRE_FIELD_CHOICE, "贈与した人", "Who gave them", 1, NULL, 0, 0, 0, 0, 0,
         choices_giver, NULL, NULL},
        {"system", WIRE_FIELD_CHOICE, "課税の方法", "How the gifts are taxed", 1, NULL, 0, 0, 0, 0,
         0, choices_gift_system, NULL, NULL},
        FIELD_END,
};

static const struct procedure_field fields_kouki[] = {
        FIELDS_BANK,
        {"consent", WIRE_FIELD_BOOL, "口座情報を行政機関などに提供することに同意する",
         "I agree that the account is given to public bodies that pay me", 1, NULL, 0, 0, 0, 0, 0,
         NULL, NULL, NULL},
        FIELD_END,
};

/* --- documents -------------------------------------------------------------- */

#define DOC_CARD "マイナンバーカード", "My Number Card"
#define DOC_ID "本人確認書類（運転免許証など）", "Proof of identity (a driving licence or the like)"
#define DOC_NOTICE "納税通知書・納付書", "The tax notice or payment slip"
#define DOC_BANK "振込先の口座が分かるもの（通帳など）", "Details of your bank account (a passbook)"

static const char *const docs_tennyu[] = {
        "転出証明書（マイナンバーカードで転出届をした方は不要）",
        "Moving-out certificate (not needed if you notified the move with your My Number Card)",
        "引越しする人全員のマイナンバーカード",
        "The My Number Card of everyone who moved",
        DOC_ID,
        NULL};
static const char *const docs_card[] = {DOC_CARD, NULL};
static const char *const docs_card_id[] = {DOC_CARD, DOC_ID, NULL};
static const char *const docs_shussei[] = {
        "出生届（出生証明書の欄に医師または助産師の記入があるもの）",
        "Birth registration form, with the birth certificate part filled in by the doctor or "
        "midwife",
        "母子健康手帳",
        "Maternal and child health handbook",
        DOC_ID,
        NULL};
static const char *const docs_shibou[] = {
        "死亡届（死亡診断書の欄に医師の記入があるもの）",
        "Death registration form, with the death certificate part filled in by the doctor",
        DOC_ID, NULL};
static const char *const docs_jidouteate[] = {
        DOC_BANK, "請求する方と配偶者のマイナンバー", "The My Numbers of you and your spouse",
        "健康保険の資格確認書またはマイナ保険証",
        "Proof of health insurance (a My Number health insurance card)", NULL};
static const char *const docs_onestop[] = {
        "寄附金受領証明書", "The receipt for the donation", DOC_CARD, NULL};
static const char *const docs_tax[] = {DOC_NOTICE, NULL};
static const char *const docs_nenkin[] = {DOC_BANK, "基礎年金番号が分かるもの（年金手帳など）",
                                          "Your basic pension number (pension handbook)", NULL};
static const char *const docs_myna_cert[] = {
        DOC_CARD, "有効期限通知書（届いた方）", "The expiry notice, if you received one",
        "設定した暗証番号", "The PINs you set", NULL};
static const char *const docs_myna_card[] = {
        DOC_CARD, "顔写真のデータ", "A digital photo of your face", NULL};
static const char *const docs_menkyo[] = {
        "運転免許証", "Driving licence", "更新連絡書（はがき）", "The renewal notice postcard",
        "眼鏡・補聴器（使う方）", "Glasses or hearing aids, if you use them", NULL};
static const char *const docs_passport[] = {
        "今のパスポート", "Your current passport", DOC_CARD, "顔写真のデータ",
        "A digital photo of your face", NULL};
static const char *const docs_kougaku[] = {
        "医療機関の領収書", "Receipts from the hospital or clinic", DOC_BANK,
        "健康保険の資格確認書またはマイナ保険証",
        "Proof of health insurance (a My Number health insurance card)", NULL};
static const char *const docs_kenshin[] = {
        "健康保険の資格確認書またはマイナ保険証",
        "Proof of health insurance (a My Number health insurance card)", NULL};
static const char *const docs_kaigo[] = {
        "介護保険被保険者証", "Long-term care insurance certificate",
        "主治医の氏名と医療機関が分かるもの", "Your doctor's name and hospital", NULL};
static const char *const docs_kakutei[] = {
        "源泉徴収票", "Withholding slips from employers and pension payers",
        "医療費の領収書または医療費通知", "Medical receipts or medical expense notices",
        "寄附金受領証明書", "Receipts for donations", DOC_CARD, NULL};
static const char *const docs_zouyo[] = {
        "贈与契約書など贈与の内容が分かるもの", "Papers that show what was given",
        "財産の評価が分かるもの（預金通帳、固定資産税評価証明書など）",
        "Papers that show the value (passbooks, property valuation certificates)", DOC_CARD,
        NULL};
static const char *const docs_kouki[] = {DOC_CARD, DOC_BANK, NULL};

/* --- the catalogue ------------------------------------------------------- */

static const struct procedure_entry procedure_catalogue[] = {
        {"tennyu", AGENCY_CITY, NULL, NULL, "転入届", "Moving-in notification",
         "他の市区町村から引っ越してきたときの届出です。引越しの日から14日以内に、"
         "窓口で届け出てください。マイナンバーカードの継続利用の手続きも、同時に行います。",
         "Tell the city when you move in from another municipality, within 14 days of moving. "
         "The continued use of your My Number Card is registered at the same time.",
         "引越しの日から14日以内", "Within 14 days of moving in", docs_tennyu, 0, no_fields},
        {"tenshutsu", AGENCY_CITY, NULL, NULL, "転出届", "Moving-out notification",
         "他の市区町村へ引っ越すときの届出です。マイナンバーカードがあれば、引越しワンストップ"
         "サービスで、窓口に行かずにオンラインで届け出られます。引越し先では、14日以内に転入届"
         "を出してください。",
         "Tell the city when you move to another municipality. With your My Number Card you "
         "can do it online through the moving one-stop service, without visiting an office. "
         "Then file a moving-in notification at your new municipality within 14 days.",
         "引越しの前まで（引越し後14日以内も可）",
         "Before you move (or within 14 days after)", docs_card, 1, fields_tenshutsu},
        {"tenkyo", AGENCY_CITY, NULL, NULL, "転居届", "Change of address within the city",
         "同じ市区町村の中で引っ越したときの届出です。引越しの日から14日以内に、窓口で届け出て"
         "ください。",
         "Tell the city when you move within it, within 14 days of moving.",
         "引越しの日から14日以内", "Within 14 days of the move", docs_card_id, 0, no_fields},
        {"shussei", AGENCY_CITY, NULL, NULL, "出生届", "Birth registration",
         "子どもが生まれたときの届出です。生まれた日を含めて14日以内に、生まれた場所、本籍地"
         "または住所地の市区町村に届け出てください。",
         "Register a child's birth within 14 days, counting the day of birth, at the "
         "municipality where the child was born, where the family register is, or where you "
         "live.",
         "生まれた日を含めて14日以内", "Within 14 days of the birth", docs_shussei, 0,
         no_fields},
        {"shibou", AGENCY_CITY, NULL, NULL, "死亡届", "Death registration",
         "亡くなったことを知った日から7日以内に届け出ます。葬儀社が代わりに届け出ることも"
         "あります。",
         "Register a death within 7 days of learning of it. Funeral companies often do it on "
         "the family's behalf.",
         "亡くなったことを知った日から7日以内", "Within 7 days of learning of the death",
         docs_shibou, 0, no_fields},
        {"jidouteate-nintei", AGENCY_CITY, NULL, NULL, "児童手当 認定請求",
         "Child allowance application",
         "子どもが生まれたときや転入したときに、児童手当を受け取るための申請です。出生日や転入"
         "した日の翌日から15日以内に申請すると、申請した月の翌月分から支給されます。手当は偶数"
         "月に、前月までの2か月分が支払われます。",
         "Apply for the child allowance when a child is born or when you move in. Apply "
         "within 15 days of the day after the birth or the move and it is paid from the next "
         "month. It is paid in even months, each time for the two months before.",
         "出生日・転入した日の翌日から15日以内",
         "Within 15 days of the day after the birth or the move", docs_jidouteate, 1,
         fields_jidouteate},
        {"furusato-onestop", AGENCY_CITY, NULL, NULL, "ふるさと納税ワンストップ特例申請",
         "Hometown tax one-stop exemption",
         "ふるさと納税をした方が、確定申告をしなくても寄附金控除を受けられる特例の申請です。"
         "寄附した翌年の1月10日までに、寄附先の自治体に届くように申請してください。",
         "Apply for the one-stop exemption to get the deduction for hometown tax donations "
         "without filing a tax return. The application must reach the municipality you donated "
         "to by 10 January of the following year.",
         "寄附した翌年の1月10日まで", "By 10 January of the following year", docs_onestop, 1,
         fields_onestop},
        {"jidoushazei", AGENCY_PREF_TAX, NULL, NULL, "自動車税（種別割）の納付",
         "Automobile tax payment",
         "毎年4月1日に自動車を持っている方にかかる税金です。5月上旬に届く納税通知書で、5月31日"
         "までに納めてください。スマートフォン決済アプリやクレジットカードでも納められます。",
         "A tax on whoever owns a car on 1 April. Pay it by 31 May with the tax notice sent in "
         "early May; smartphone payment apps and credit cards are accepted.",
         "5月31日まで", "By 31 May", docs_tax, 0, no_fields},
        {"keijidousha", AGENCY_CITY, NULL, NULL, "軽自動車税（種別割）の納付",
         "Light vehicle tax payment",
         "毎年4月1日に軽自動車やバイクを持っている方にかかる税金です。納税通知書で、5月31日"
         "までに納めてください。",
         "A tax on whoever owns a light car or motorcycle on 1 April. Pay it by 31 May with "
         "the tax notice.",
         "5月31日まで", "By 31 May", docs_tax, 0, no_fields},
        {"juminzei", AGENCY_CITY, NULL, NULL, "個人住民税（普通徴収）の納付",
         "Resident tax payment",
         "前の年の所得にかかる住民税を、給与から天引きされずに自分で納める方の納付です。6月、"
         "8月、10月、翌年1月の4回に分けて納めます。口座振替も使えます。",
         "Resident tax on last year's income, for those who pay it themselves rather than "
         "through their salary. It is paid in four instalments, in June, August, October and "
         "January; direct debit is available.",
         "6月・8月・10月・翌年1月の各月末",
         "End of June, August, October and January", docs_tax, 0, no_fields},
        {"koteishisan", AGENCY_PROPERTY, NULL, NULL, "固定資産税の納付", "Fixed asset tax payment",
         "1月1日に土地や家屋を持っている方にかかる税金です。4月、7月、12月、翌年2月の4回に"
         "分けて納めます。",
         "A tax on whoever owns land or buildings on 1 January, paid in four instalments, in "
         "April, July, December and February.",
         "4月・7月・12月・翌年2月の各月末", "End of April, July, December and February",
         docs_tax, 0, no_fields},
        {"kokumin-nenkin", AGENCY_NATIONAL, "日本年金機構", "Japan Pension Service",
         "国民年金保険料の納付", "National pension premium",
         "20歳以上60歳未満で、会社員や公務員でない方などが納める保険料です。各月の保険料は"
         "翌月末日までに納めます。ここでは口座振替を申し込めます。前納すると割り引かれます。",
         "The premium paid by people aged 20 to 59 who are not employees or civil servants. "
         "Each month's premium is due by the end of the following month. Here you can sign up "
         "for direct debit; paying in advance lowers the premium.",
         "各月の保険料は翌月末日まで", "End of the following month", docs_nenkin, 1,
         fields_nenkin},
        {"kokuho", AGENCY_INSURER, NULL, NULL, "国民健康保険料の納付",
         "National health insurance premium",
         "国民健康保険に入っている世帯が納める保険料です。6月から翌年3月まで、各月末に分けて"
         "納めます。納付が難しいときは、分割納付などを相談できます。",
         "The premium of households in the national health insurance, paid in instalments at "
         "the end of each month from June to March. If paying is difficult, you can ask about "
         "paying in smaller parts.",
         "6月から翌年3月までの各月末", "End of each month, June to March", docs_tax, 0,
         no_fields},
        {"myna-cert", AGENCY_CITY, NULL, NULL, "マイナンバーカード電子証明書の更新",
         "Renewing the certificates on your My Number Card",
         "マイナンバーカードの電子証明書は、発行から5回目の誕生日に有効期限を迎えます。有効"
         "期限の3か月前から、窓口で更新できます。手数料はかかりません。",
         "The electronic certificates on the card expire on the fifth birthday after they were "
         "issued. Renew them at the office from three months before; it is free.",
         "有効期限の3か月前から", "From three months before they expire", docs_myna_cert, 0,
         no_fields},
        {"myna-card", AGENCY_CITY, NULL, NULL, "マイナンバーカードの更新",
         "Renewing your My Number Card",
         "カードは発行から10回目の誕生日（18歳未満で発行された方は5回目）に有効期限を迎えます。"
         "オンラインで申請し、できあがったカードを窓口で受け取ります。",
         "The card expires on the tenth birthday after it was issued (the fifth for those "
         "under 18 then). Apply online and collect the new card at the office.",
         "有効期限の3か月前から", "From three months before it expires", docs_myna_card, 1,
         fields_myna_card},
        {"menkyo", AGENCY_POLICE, NULL, NULL, "運転免許証の更新", "Driving licence renewal",
         "有効期限の年の誕生日の前後1か月の間に更新します。講習を受けるため、運転免許試験場や"
         "指定の警察署に出向きます。",
         "Renew it from one month before to one month after your birthday in the year it "
         "expires. You attend a short course at a licence centre or a designated police "
         "station.",
         "有効期限の年の誕生日の前後1か月", "One month either side of your birthday",
         docs_menkyo, 0, no_fields},
        {"passport", AGENCY_PASSPORT, NULL, NULL, "パスポートの切替申請", "Passport renewal",
         "有効期限まで1年を切ったパスポートは、オンラインで切替申請ができます。新しいパスポート"
         "は窓口で受け取ります。",
         "Once your passport has less than a year left, you can apply for a new one online and "
         "collect it at the passport office.",
         "有効期限の1年前から", "From one year before it expires", docs_passport, 1,
         fields_passport},
        {"kougaku-ryouyouhi", AGENCY_INSURER, NULL, NULL, "高額療養費の支給申請",
         "High-cost medical expense refund",
         "1か月の医療費の自己負担が上限額を超えたとき、超えた分が払い戻されます。診療を受けた"
         "月の翌月1日から2年以内に申請してください。",
         "When what you paid for medical care in one month passes your limit, the rest is "
         "refunded. Apply within two years from the first day of the month after the "
         "treatment.",
         "診療月の翌月1日から2年以内", "Within two years of the month after treatment",
         docs_kougaku, 1, fields_kougaku},
        {"tokutei-kenshin", AGENCY_INSURER, NULL, NULL, "特定健康診査", "Specific health checkup",
         "40歳から74歳までの国民健康保険の加入者が、年に1回受けられる健康診査です。受診券が"
         "届いたら、指定の医療機関で受けてください。受診券をなくした方は、ここで再発行を申し込"
         "めます。",
         "A yearly checkup for members of the national health insurance aged 40 to 74. Take "
         "the voucher sent to you to a designated clinic; if you lost it, ask for a new one "
         "here.",
         "毎年度1回（年度末まで）", "Once every fiscal year", docs_kenshin, 1, fields_kenshin},
        {"kaigo", AGENCY_CITY, NULL, NULL, "介護保険 要介護認定の申請",
         "Long-term care certification",
         "介護が必要になったとき、介護保険のサービスを使うための認定の申請です。認定には有効"
         "期間があり、更新は期限の60日前から申請できます。",
         "Apply for certification when you need care, to use long-term care insurance "
         "services. Certification is valid for a set period; renewal opens 60 days before it "
         "ends.",
         "期限なし（更新は有効期間の60日前から）",
         "No deadline (renewal from 60 days before expiry)", docs_kaigo, 1, fields_kaigo},
        {"kakutei-shinkoku", AGENCY_NATIONAL, "国税庁", "National Tax Agency", "所得税の確定申告",
         "Income tax return",
         "1年間（1月1日から12月31日まで）の所得と税額を計算して申告します。期間は翌年2月16日から"
         "3月15日までです。マイナポータル連携で、源泉徴収票や医療費通知の情報をe-Taxの申告書に"
         "取り込めます。還付を受けるための申告は5年間できます。",
         "Work out and file your income and tax for the calendar year, from 16 February to 15 "
         "March of the following year. The Mynaportal link fills in withholding slips and "
         "medical expense notices in e-Tax. A return only to claim a refund can be filed for "
         "five years.",
         "翌年2月16日から3月15日まで", "16 February to 15 March of the following year",
         docs_kakutei, 1, fields_kakutei},
        {"zouyo", AGENCY_NATIONAL, "国税庁", "National Tax Agency", "贈与税の申告",
         "Gift tax return",
         "1年間にもらった財産の合計が110万円を超えたときの申告です。翌年2月1日から3月15日まで"
         "に申告して納めます。",
         "File a return when gifts received in a calendar year total more than 1.1 million "
         "yen, from 1 February to 15 March of the following year, and pay the tax.",
         "翌年2月1日から3月15日まで", "1 February to 15 March of the following year",
         docs_zouyo, 1, fields_zouyo},
        {"kouki-koza", AGENCY_NATIONAL, "デジタル庁", "Digital Agency", "公金受取口座の登録",
         "Registering a bank account for public payments",
         "給付金や児童手当、税の還付金などを受け取るための口座を、国に登録します。登録した口座は"
         "いつでも変更や削除ができます。",
         "Register the account that benefits, child allowance and tax refunds are paid into. "
         "You can change or remove it at any time.",
         "期限なし", "No deadline", docs_kouki, 1, fields_kouki},
};

/* clang-format on */

/* Returns the catalogue entry base, or NULL. */
static const struct procedure_entry *
procedure_find(const char *base)
{
	size_t i;

	for (i = 0; i < PROCEDURE_NELEMS(procedure_catalogue); i++)
		if (strcmp(procedure_catalogue[i].id, base) == 0)
			return &procedure_catalogue[i];
	return NULL;
}

int
procedure_demo_id(const char *municipality, const char *base, char *out, size_t size)
{
	const struct procedure_entry *e = procedure_find(base);

	if (e == NULL)
		return -1;
	if (e->agency == AGENCY_NATIONAL)
		snprintf(out, size, "%s", e->id);
	else
		snprintf(out, size, "%s:%s", municipality, e->id);
	return 0;
}

static const struct procedure_place *
procedure_place_find(const char *code)
{
	size_t i;

	for (i = 0; i < PROCEDURE_NELEMS(procedure_places); i++)
		if (strcmp(procedure_places[i].code, code) == 0)
			return &procedure_places[i];
	return NULL;
}

/* Fills agency with who handles e for the residents of place. */
static void
procedure_agency_of(const struct procedure_entry *e, const struct procedure_place *pl,
                    struct wire_text *agency)
{
	const char *ja = e->agency_ja, *en = e->agency_en;

	switch (e->agency) {
	case AGENCY_NATIONAL:
		break;
	case AGENCY_CITY:
		ja = pl->city_ja;
		en = pl->city_en;
		break;
	case AGENCY_INSURER:
		ja = pl->insurer_ja;
		en = pl->insurer_en;
		break;
	case AGENCY_PREF_TAX:
		ja = pl->tax_ja;
		en = pl->tax_en;
		break;
	case AGENCY_PROPERTY:
		ja = pl->property_ja;
		en = pl->property_en;
		break;
	case AGENCY_POLICE:
		ja = pl->police_ja;
		en = pl->police_en;
		break;
	case AGENCY_PASSPORT:
		ja = pl->passport_ja;
		en = pl->passport_en;
		break;
	}
	agency->ja = (char *)ja;
	agency->en = (char *)en;
}

/* Builds the feed data of e as offered in municipality (NULL: national). */
static json_object *
procedure_build(const struct procedure_entry *e, const struct procedure_place *pl)
{
	struct wire_procedure p;
	struct wire_field fields[WIRE_LIST_MAX];
	struct wire_choice choices[WIRE_LIST_MAX][16];
	struct wire_text docs[WIRE_LIST_MAX];
	json_object *o;
	size_t i, k;

	memset(&p, 0, sizeof p);
	memset(fields, 0, sizeof fields);
	memset(choices, 0, sizeof choices);
	p.name.ja = (char *)e->name_ja;
	p.name.en = (char *)e->name_en;
	p.description.ja = (char *)e->desc_ja;
	p.description.en = (char *)e->desc_en;
	p.deadline.ja = (char *)e->deadline_ja;
	p.deadline.en = (char *)e->deadline_en;
	procedure_agency_of(e, pl, &p.agency);
	p.online = e->online;
	p.municipality = pl != NULL ? (char *)pl->code : NULL;
	for (i = 0; i < WIRE_LIST_MAX && e->documents[2 * i] != NULL; i++) {
		docs[i].ja = (char *)e->documents[2 * i];
		docs[i].en = (char *)e->documents[2 * i + 1];
	}
	p.documents = docs;
	p.ndocuments = i;
	for (i = 0; i < WIRE_LIST_MAX && e->fields[i].name != NULL; i++) {
		const struct procedure_field *f = &e->fields[i];

		fields[i].name = (char *)f->name;
		fields[i].type = f->type;
		fields[i].label.ja = (char *)f->ja;
		fields[i].label.en = (char *)f->en;
		fields[i].help.ja = (char *)f->help_ja;
		fields[i].help.en = (char *)f->help_en;
		fields[i].required = f->required;
		fields[i].pattern = (char *)f->pattern;
		fields[i].max_length = f->max_length > 0 ? f->max_length : WIRE_LENGTH_DEFAULT;
		fields[i].has_min = f->has_min;
		fields[i].has_max = f->has_max;
		fields[i].min = f->min;
		fields[i].max = f->max;
		fields[i].unit = f->type == WIRE_FIELD_NUMBER ? procedure_field_unit(f->name) :
								WIRE_UNIT_NONE;
		for (k = 0; f->choices != NULL && k < 16 && f->choices[k].value != NULL; k++) {
			choices[i][k].value = (char *)f->choices[k].value;
			choices[i][k].label.ja = (char *)f->choices[k].ja;
			choices[i][k].label.en = (char *)f->choices[k].en;
		}
		fields[i].choices = k > 0 ? choices[i] : NULL;
		fields[i].nchoices = k;
	}
	p.fields = fields;
	p.nfields = i;
	o = wire_procedure_encode(&p);
	return o;
}

int
procedure_demo_load(struct storage *s, const char *const *municipalities, size_t n, char **cause)
{
	struct storage_tx *tx = storage_begin(s, 1);
	struct feed_audience aud;
	char id[PROCEDURE_ID_MAX];
	size_t i, m;

	*cause = NULL;
	if (tx == NULL)
		goto fail;
	/* National ones first, then each municipality's in catalogue order. */
	for (i = 0; i < PROCEDURE_NELEMS(procedure_catalogue); i++) {
		const struct procedure_entry *e = &procedure_catalogue[i];
		json_object *data;
		int rc;

		if (e->agency != AGENCY_NATIONAL)
			continue;
		aud.user = NULL;
		aud.municipality = NULL;
		data = procedure_build(e, NULL);
		rc = feed_item_put_tx(tx, "procedure", e->id, &aud, data);
		json_object_put(data);
		if (rc != 0)
			goto fail;
	}
	for (m = 0; m < n; m++) {
		const struct procedure_place *pl = procedure_place_find(municipalities[m]);

		if (pl == NULL)
			continue;
		for (i = 0; i < PROCEDURE_NELEMS(procedure_catalogue); i++) {
			const struct procedure_entry *e = &procedure_catalogue[i];
			json_object *data;
			int rc;

			if (e->agency == AGENCY_NATIONAL)
				continue;
			procedure_demo_id(pl->code, e->id, id, sizeof id);
			aud.user = NULL;
			aud.municipality = pl->code;
			data = procedure_build(e, pl);
			rc = feed_item_put_tx(tx, "procedure", id, &aud, data);
			json_object_put(data);
			if (rc != 0)
				goto fail;
		}
	}
	if (storage_commit(tx) != 0) {
		tx = NULL;
		goto fail;
	}
	return 0;
fail:
	storage_rollback(tx);
	*cause = xstrdup(_("cannot add the demo procedures"));
	return -1;
}

static const char *const procedure_members[] = {
        "id",        "name",   "agency",       "description", "deadline",
        "documents", "online", "municipality", "fields",      NULL,
};

void
procedure_post(struct http_req *req, struct http_resp *resp)
{
	json_object *body = NULL, *data = NULL, *o;
	struct wire_procedure p;
	struct feed_audience aud;
	char *id = NULL, *cause = NULL;

	memset(&p, 0, sizeof p);
	if (http_json_body(req, resp, &body) != 0 ||
	    field_known(body, procedure_members, resp) != 0 ||
	    field_string(body, "id", 1, PROCEDURE_ID_MAX, 0, &id, resp) != 0)
		goto out;
	if (!wire_id_valid(id) || strlen(id) > PROCEDURE_ID_MAX) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("\"id\" must be 1 to %d characters of A-Z a-z 0-9 - _ . :"),
		             PROCEDURE_ID_MAX);
		goto out;
	}
	/* The rest of the body is the procedure itself, checked whole by the
	 * same decoder the clients use. */
	json_object_object_del(body, "id");
	if (wire_procedure_from_json(body, id, &p, &cause) != 0) {
		http_problem(resp, 422, "Unprocessable Content", "%s", cause);
		goto out;
	}
	if (p.municipality != NULL && !municipality_valid(p.municipality)) {
		http_problem(resp, 422, "Unprocessable Content",
		             _("\"%s\" is not a municipality code: it must be 6 digits whose last "
		               "digit is the check digit of the first five."),
		             p.municipality);
		goto out;
	}
	aud.user = NULL;
	aud.municipality = p.municipality;
	data = wire_procedure_encode(&p);
	if (feed_item_put(req->bff->storage, "procedure", id, &aud, data, &cause) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		goto out;
	}
	log_info("procedure %s published to %s", id,
	         p.municipality != NULL ? p.municipality : "everyone");
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	http_json(resp, 201, o);
out:
	json_object_put(body);
	json_object_put(data);
	wire_procedure_release(&p);
	free(id);
	free(cause);
}

void
procedure_delete(struct http_req *req, struct http_resp *resp)
{
	const char *id = req->nparams == 1 ? req->params[0] : NULL;
	int found = 0;

	if (id == NULL || !wire_id_valid(id)) {
		http_problem(resp, 404, "Not Found", "%s", _("There is no item with this id."));
		return;
	}
	if (feed_delete(req->bff->storage, "procedure", id, &found) != 0) {
		http_problem(resp, 500, "Internal Server Error", "%s",
		             _("The database failed; try again later."));
		return;
	}
	if (!found) {
		http_problem(resp, 404, "Not Found",
		             _("There is no procedure \"%s\", or it was deleted already."), id);
		return;
	}
	log_info("procedure %s deleted", id);
	resp->status = 204;
}
