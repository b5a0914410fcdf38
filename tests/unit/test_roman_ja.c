/* Unit tests of roman_ja.c: kana romanised by each Japanese scheme, checked against the
 * published spellings of real place names, and the Japanese match key, which must be the same
 * for every spelling of one name and differ between different names. */
#include "tp_test.h"
#include "roman_int.h"
#include "tp_test_buf.h"

#include <stdlib.h>
#include <string.h>

static const char *rom(const char *kana, tp_scheme scheme)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_ja_romanize(kana, strlen(kana), scheme, &b);
    return tp_test_keep(st, &b);
}

static const char *key_kana(const char *s)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_ja_key_from_kana(s, strlen(s), &b);
    return tp_test_keep(st, &b);
}

static const char *key_latin(const char *s)
{
    tp_buf b = TP_BUF_INIT;
    tp_status st = tp_ja_key_from_latin(s, strlen(s), &b);
    return tp_test_keep(st, &b);
}

/* ---- romanisation by every scheme ---- */

struct spelling {
    const char *kana;
    const char *hepburn, *trad, *kunrei, *nihon, *passport;
};

/* Place names (and a few words for the rarer kana) with their spellings under each scheme. */
static const struct spelling names[] = {
    /* the Kuril Islands and Hokkaidō */
    {"えとろふ", "etorofu", "etorofu", "etorohu", "etorohu", "etorofu"},
    {"くなしり", "kunashiri", "kunashiri", "kunasiri", "kunasiri", "kunashiri"},
    {"しこたん", "shikotan", "shikotan", "sikotan", "sikotan", "shikotan"},
    {"はぼまい", "habomai", "habomai", "habomai", "habomai", "habomai"},
    {"ほっかいどう", "hokkaidō", "hokkaidō", "hokkaidô", "hokkaidô", "hokkaido"},
    {"ホッカイドウ", "hokkaidō", "hokkaidō", "hokkaidô", "hokkaidô", "hokkaido"},
    {"ホッカイドー", "hokkaidō", "hokkaidō", "hokkaidô", "hokkaidô", "hokkaido"},
    {"ねむろ", "nemuro", "nemuro", "nemuro", "nemuro", "nemuro"},
    {"しれとこ", "shiretoko", "shiretoko", "siretoko", "siretoko", "shiretoko"},
    {"わっかない", "wakkanai", "wakkanai", "wakkanai", "wakkanai", "wakkanai"},
    {"からふと", "karafuto", "karafuto", "karahuto", "karahuto", "karafuto"},
    {"おおどまり", "ōdomari", "ōdomari", "ôdomari", "ôdomari", "odomari"},
    {"そうや", "sōya", "sōya", "sôya", "sôya", "soya"},
    {"ちしま", "chishima", "chishima", "tisima", "tisima", "chishima"},
    {"シャコタン", "shakotan", "shakotan", "syakotan", "syakotan", "shakotan"},
    {"ふるかまっぷ", "furukamappu", "furukamappu", "hurukamappu", "hurukamappu", "furukamappu"},
    {"えとろふとう", "etorofutō", "etorofutō", "etorohutô", "etorohutô", "etorofuto"},
    /* Honshū and beyond */
    {"とうきょう", "tōkyō", "tōkyō", "tôkyô", "tôkyô", "tokyo"},
    {"トーキョー", "tōkyō", "tōkyō", "tôkyô", "tôkyô", "tokyo"},
    {"きょうと", "kyōto", "kyōto", "kyôto", "kyôto", "kyoto"},
    {"おおさか", "ōsaka", "ōsaka", "ôsaka", "ôsaka", "osaka"},
    {"こうべ", "kōbe", "kōbe", "kôbe", "kôbe", "kobe"},
    {"りょうごく", "ryōgoku", "ryōgoku", "ryôgoku", "ryôgoku", "ryogoku"},
    {"じょうえつ", "jōetsu", "jōetsu", "zyôetu", "zyôetu", "joetsu"},
    {"ちゅうぶ", "chūbu", "chūbu", "tyûbu", "tyûbu", "chubu"},
    {"にいがた", "niigata", "niigata", "niigata", "niigata", "niigata"},
    {"つしま", "tsushima", "tsushima", "tusima", "tusima", "tsushima"},
    {"ふくおか", "fukuoka", "fukuoka", "hukuoka", "hukuoka", "fukuoka"},
    /* ん before a labial, a vowel and y */
    {"しんばし", "shinbashi", "shimbashi", "sinbasi", "sinbasi", "shimbashi"},
    {"にほんばし", "nihonbashi", "nihombashi", "nihonbasi", "nihonbasi", "nihombashi"},
    {"ぐんま", "gunma", "gumma", "gunma", "gunma", "gumma"},
    {"さんぽ", "sanpo", "sampo", "sanpo", "sanpo", "sampo"},
    {"しんや", "shin'ya", "shin-ya", "sin'ya", "sin'ya", "shinya"},
    {"さんいん", "san'in", "san-in", "san'in", "san'in", "sanin"},
    {"かんおんじ", "kan'onji", "kan-onji", "kan'onzi", "kan'onzi", "kanonji"},
    /* っ, and っち */
    {"かっちゅう", "katchū", "katchū", "kattyû", "kattyû", "katchu"},
    {"まっちゃ", "matcha", "matcha", "mattya", "mattya", "matcha"},
    {"はっちょうぼり", "hatchōbori", "hatchōbori", "hattyôbori", "hattyôbori", "hatchobori"},
    {"さっぽろ", "sapporo", "sapporo", "sapporo", "sapporo", "sapporo"},
    {"べっぷ", "beppu", "beppu", "beppu", "beppu", "beppu"},
    {"いっしき", "isshiki", "isshiki", "issiki", "issiki", "isshiki"},
    {"あっ", "a", "a", "a", "a", "a"},
    /* ぢ づ を ゐ ゑ くゎ */
    {"ちぢみ", "chijimi", "chijimi", "tizimi", "tidimi", "chijimi"},
    {"あいづ", "aizu", "aizu", "aizu", "aidu", "aizu"},
    {"つづき", "tsuzuki", "tsuzuki", "tuzuki", "tuduki", "tsuzuki"},
    {"ぢゃ", "ja", "ja", "zya", "dya", "ja"},
    {"みをつくし", "miotsukushi", "miwotsukushi", "miotukusi", "miwotukusi", "miotsukushi"},
    {"ゐど", "ido", "ido", "ido", "wido", "ido"},
    {"ヱビス", "ebisu", "ebisu", "ebisu", "webisu", "ebisu"},
    {"くゎんとう", "kantō", "kwantō", "kantô", "kwantô", "kanto"},
    /* long vowels that are and are not marked */
    {"ゆうき", "yūki", "yūki", "yûki", "yûki", "yuki"},
    {"ねえさん", "nēsan", "nēsan", "nêsan", "nêsan", "neesan"},
    {"おかあさん", "okāsan", "okāsan", "okâsan", "okâsan", "okaasan"},
    {"えいが", "eiga", "eiga", "eiga", "eiga", "eiga"},
    {"いいだ", "iida", "iida", "iida", "iida", "iida"},
    {"おおおか", "ōoka", "ōoka", "ôoka", "ôoka", "ooka"},
    /* katakana, ー and loanword sounds */
    {"ローマ", "rōma", "rōma", "rôma", "rôma", "roma"},
    {"ビール", "bīru", "bīru", "bîru", "bîru", "biru"},
    {"メーデー", "mēdē", "mēdē", "mêdê", "mêdê", "mede"},
    {"パーティー", "pātī", "pātī", "pâtî", "pâtî", "pati"},
    {"チェーホフ", "chēhofu", "chēhofu", "tyêhohu", "tyêhohu", "chehofu"},
    {"ヴォルガ", "voruga", "voruga", "voruga", "voruga", "voruga"},
    {"ヴェネツィア", "venetsia", "venetsia", "venetsia", "venetsia", "venetsia"},
    {"ファミリー", "famirī", "famirī", "famirî", "famirî", "famiri"},
    {"ウォッカ", "wokka", "wokka", "wokka", "wokka", "wokka"},
    {"ジェット", "jetto", "jetto", "zyetto", "zyetto", "jetto"},
    /* iteration marks, half-width katakana, a combining voicing mark */
    {"いすゞ", "isuzu", "isuzu", "isuzu", "isuzu", "isuzu"},
    {"さゝき", "sasaki", "sasaki", "sasaki", "sasaki", "sasaki"},
    {"ﾎｯｶｲﾄﾞｰ", "hokkaidō", "hokkaidō", "hokkaidô", "hokkaidô", "hokkaido"},
    {"ﾊﾟﾝ", "pan", "pan", "pan", "pan", "pan"},
    {"か\xe3\x82\x99ま", "gama", "gama", "gama", "gama", "gama"},
};

static const tp_scheme schemes[5] = {TP_SCHEME_HEPBURN, TP_SCHEME_HEPBURN_TRAD, TP_SCHEME_KUNREI,
                                     TP_SCHEME_NIHON, TP_SCHEME_PASSPORT};

static const char *expected(const struct spelling *n, int k)
{
    const char *w[5] = {n->hepburn, n->trad, n->kunrei, n->nihon, n->passport};
    return w[k];
}

static void test_schemes(void)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int k = 0; k < 5; k++) {
            const char *got = rom(names[i].kana, schemes[k]);
            CHECK_STR(got, expected(&names[i], k));
            if (strcmp(got, expected(&names[i], k)) != 0)
                fprintf(stderr, "  (%s, scheme %d)\n", names[i].kana, (int)schemes[k]);
        }
    }
}

static void test_pass_through(void)
{
    /* text that is not kana is copied; the caller capitalises */
    CHECK_STR(rom("Sakhalin サハリン 2", TP_SCHEME_HEPBURN), "Sakhalin saharin 2");
    CHECK_STR(rom("東京とうきょう", TP_SCHEME_HEPBURN), "東京tōkyō");
    CHECK_STR(rom("えとろふ・とう", TP_SCHEME_KUNREI), "etorohu・tô");
    /* ー after something other than kana is a dash, and stays */
    CHECK_STR(rom("ー", TP_SCHEME_HEPBURN), "ー");
    CHECK_STR(rom("東京ー大阪", TP_SCHEME_HEPBURN), "東京ー大阪");
    /* ん before text that is not kana is plain n, and っ there is lost */
    CHECK_STR(rom("ほん.", TP_SCHEME_HEPBURN_TRAD), "hon.");
    CHECK_STR(rom("あっ!", TP_SCHEME_HEPBURN), "a!");
    /* a vowel does not lengthen one across a space */
    CHECK_STR(rom("と う", TP_SCHEME_HEPBURN), "to u");
    CHECK_STR(rom("", TP_SCHEME_HEPBURN), "");
    /* an iteration mark with nothing to repeat stays */
    CHECK_STR(rom("ゝ", TP_SCHEME_HEPBURN), "ゝ");
    CHECK_STR(rom("ヽか", TP_SCHEME_KUNREI), "ヽka");
}

static void test_errors(void)
{
    tp_buf b = TP_BUF_INIT;
    CHECK(tp_ja_romanize("えとろふ", strlen("えとろふ"), TP_SCHEME_ISO9, &b) == TP_ERR_ARG);
    CHECK(tp_ja_romanize("えとろふ", strlen("えとろふ"), TP_SCHEME_NONE, &b) == TP_ERR_ARG);
    tp_buf_free(&b);

    /* the output ceiling is honoured and its error passed on */
    tp_buf small = TP_BUF_INIT;
    small.max = 4;
    CHECK(tp_ja_romanize("えとろふ", strlen("えとろふ"), TP_SCHEME_HEPBURN, &small) ==
          TP_ERR_INPUT);
    tp_buf_free(&small);
    small.max = 4;
    CHECK(tp_ja_key_from_latin("kunashiri", 9, &small) == TP_ERR_INPUT);
    tp_buf_free(&small);
    small.max = 4;
    CHECK(tp_ja_key_from_kana("くなしり", strlen("くなしり"), &small) == TP_ERR_INPUT);
    tp_buf_free(&small);

    /* the key is appended to what the buffer holds */
    tp_buf acc = TP_BUF_INIT;
    CHECK(tp_buf_puts(&acc, "x|") == TP_OK);
    CHECK(tp_ja_key_from_latin("Tōkyō", strlen("Tōkyō"), &acc) == TP_OK);
    CHECK_STR(acc.data, "x|tokyo");
    tp_buf_free(&acc);
}

/* ---- the key ---- */

/* Spellings that must share one key; the first line of each group is the key itself. */
static const char *const same_key[][8] = {
    {"etorohu", "etorofu", "etorohu", "ETOROFU", NULL},
    {"etorohu to", "etorofu-tō", "etorofu-to", "etorohu tô", "etorofu to", "etorofu – to",
     " etorofu・to ", NULL},
    {"hokkaido", "hokkaido", "hokkaidō", "hokkaidou", "hokkaidoh", "hokkaidô", "hokkaidoo", NULL},
    {"kunasiri", "kunashiri", "kunasiri", NULL},
    {"sikotan", "shikotan", "sikotan", NULL},
    {"tisima", "chishima", "tisima", NULL},
    {"tokyo", "tōkyō", "tokyo", "toukyou", "tôkyô", "tohkyoh", "to\xcc\x84kyo\xcc\x84", NULL},
    {"sinya", "shin'ya", "sinya", "shin’ya", "shinʼya", "shin-ya", "shinya", NULL},
    {"nihonbasi", "nihombashi", "nihonbashi", "nihonbasi", NULL},
    {"sinbasi", "shimbashi", "shinbashi", "sinbasi", NULL},
    {"mattya", "matcha", "mattya", NULL},
    {"zyodo", "jōdo", "zyôdo", "jodo", "joudo", NULL},
    {"soya", "sōya", "soya", "souya", "sôya", "sohya", NULL},
    {"odomari", "ōdomari", "odomari", "oodomari", "ôdomari", "ohdomari", NULL},
    {"karahuto", "karafuto", "karahuto", NULL},
    {"tusima", "tsushima", "tusima", NULL},
    {"hukuoka", "fukuoka", "hukuoka", NULL},
    {"tizimi", "chijimi", "tizimi", "tidimi", NULL},
    {"tuzuki", "tsuzuki", "tuzuki", "tuduki", "tsudzuki", NULL},
    {"zya", "ja", "zya", "dya", NULL},
    {"miotukusi", "miotsukushi", "miwotsukushi", "miotukusi", "miwotukusi", NULL},
    {"kanto", "kantō", "kwantō", "kwantô", "kanto", NULL},
    {"ito ono", "itō ōno", "itoh ohno", "ito ono", "itou oono", NULL},
    {"yuki", "yūki", "yuki", "yuuki", "yûki", NULL},
    {"hattyobori", "hatchōbori", "hattyôbori", "hacchobori", NULL},
    {"kanonzi", "kan'onji", "kan-onji", "kanonji", "kan'onzi", NULL},
    {"gunma", "gunma", "gumma", NULL},
    {"issiki", "isshiki", "issiki", NULL},
    {"nigata", "niigata", "nīgata", "nigata", NULL},
    {"ega", "eiga", "ēga", "ega", NULL},
    {"oya", "ōya", "ohya", "ooya", "oya", NULL},
    {"dai 2 tome", "dai-2-tōmei", "dai 2 toumei", NULL}, /* digits stay */
    {"", "", " - ", "’", NULL},
};

/* Kana and Latin that must share one key. */
static const char *const same_key_kana[][6] = {
    {"えとろふ", "エトロフ", "etorofu", NULL},
    {"ほっかいどう", "ホッカイドウ", "ホッカイドー", "ﾎｯｶｲﾄﾞｰ", "hokkaido", NULL},
    {"くなしり", "クナシリ", "kunashiri", NULL},
    {"えとろふとう", "etorofuto", NULL},
    {"えとろふ・とう", "エトロフ ト", "etorofu-to", NULL},
    {"しこたん", "シコタン", "shikotan", NULL},
    {"ちしま", "チシマ", "chishima", NULL},
    {"からふと", "カラフト", "karafuto", NULL},
    {"おおどまり", "オオドマリ", "odomari", NULL},
    {"そうや", "ソウヤ", "soya", NULL},
    {"とうきょう", "トーキョー", "tokyo", NULL},
    {"しんや", "shin'ya", NULL},
    {"ゐど", "ido", NULL},
    {"東京とうきょう", "tokyo", NULL},
    {"とうきょう Tower", "tokyo tower", NULL},
};

/* Different names whose keys must differ. */
static const char *const different_key[][2] = {
    {"kunashiri", "shikotan"}, {"sado", "sato"},     {"tsuruga", "suruga"},
    {"chiba", "shiba"},        {"kashima", "kajima"}, {"oita", "ota"},
    {"honma", "homa"},         {"kobe", "kobu"},     {"nagano", "nagao"},
    {"hakata", "fukata"},      {"etorofu to", "etorofuto"},
};

static void test_key_latin(void)
{
    for (size_t g = 0; g < sizeof same_key / sizeof same_key[0]; g++)
        for (size_t i = 1; same_key[g][i]; i++)
            CHECK_STR(key_latin(same_key[g][i]), same_key[g][0]);

    for (size_t k = 0; k < sizeof different_key / sizeof different_key[0]; k++) {
        const char *a = key_latin(different_key[k][0]);
        const char *b = key_latin(different_key[k][1]);
        CHECK(strcmp(a, b) != 0);
        if (strcmp(a, b) == 0)
            fprintf(stderr, "  \"%s\" and \"%s\" both give \"%s\"\n", different_key[k][0],
                    different_key[k][1], a);
    }
}

static void test_key_kana(void)
{
    for (size_t g = 0; g < sizeof same_key_kana / sizeof same_key_kana[0]; g++) {
        const char *first = key_kana(same_key_kana[g][0]);
        CHECK(first[0] != '\0');
        for (size_t i = 1; same_key_kana[g][i]; i++)
            CHECK_STR(key_kana(same_key_kana[g][i]), first);
    }
    CHECK_STR(key_kana("えとろふ"), "etorohu");
    CHECK_STR(key_kana("ほっかいどう"), "hokkaido");
    CHECK_STR(key_kana("ちしま"), "tisima");
    CHECK(strcmp(key_kana("くなしり"), key_kana("しこたん")) != 0);
    CHECK(strcmp(key_kana("さど"), key_kana("さと")) != 0);
}

/* Whatever scheme wrote a name, its key is the key of the kana; and keys are fixed points. */
static void test_key_of_every_scheme(void)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *want = key_kana(names[i].kana);
        CHECK_STR(key_latin(want), want); /* a key is its own key */
        for (int k = 0; k < 5; k++) {
            const char *got = key_latin(expected(&names[i], k));
            CHECK_STR(got, want);
            if (strcmp(got, want) != 0)
                fprintf(stderr, "  (%s, scheme %d)\n", names[i].kana, (int)schemes[k]);
        }
    }
}

int main(void)
{
    test_schemes();
    test_pass_through();
    test_errors();
    test_key_latin();
    test_key_kana();
    test_key_of_every_scheme();
    return TEST_DONE();
}
