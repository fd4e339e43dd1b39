/*
 * test_emit_yaml.c - the direct YAML encoder (model/emit_yaml.c) writes the bytes
 * libyaml's emitter writes (doc_emit_yaml_libyaml, the reference kept in emit.c).
 *
 * Every tree is encoded both ways and compared byte for byte: nasty scalars as
 * values, keys, sequence items, root scalars and non-string scalars, in every
 * nesting libyaml indents differently; pseudo-random trees built from tricky
 * pieces; and every manifest of the golden corpus, the round-trip fixtures and
 * the fuzz_yaml corpus. emit_yaml_direct must also take the common cases itself
 * (a fallback to libyaml for everything would pass the comparison and prove
 * nothing), and refuse exactly what it documents.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/doc.h"
#include "model/emit.h"
#include "model/emit_int.h"
#include "model/parse.h"

#define FIXTURE_DIRS                                                                               \
    {                                                                                              \
        TEST_DATA_DIR "/../golden", TEST_DATA_DIR "/roundtrip",                                    \
            TEST_DATA_DIR "/../fuzz/corpus/yaml", TEST_DATA_DIR "/../fuzz/corpus/convert"          \
    }

/* Scalars the encoder must write as libyaml does (C strings: no NUL inside). */
static const char *const nasty[] = {
    "",
    "null",
    "Null",
    "~",
    "300",
    "0777",
    "0x1F",
    "1e3",
    "1.5",
    ".inf",
    "-.inf",
    ".nan",
    "on",
    "off",
    "yes",
    "no",
    "y",
    "N",
    "true",
    "False",
    "1:20",
    "2026-11-30",
    "12:30:00",
    "+1",
    "-",
    "--",
    "---",
    "---x",
    "...",
    "...x",
    "..x",
    "-x",
    "- x",
    "-1",
    "?",
    "?x",
    "? x",
    ":",
    ":x",
    "x:",
    "x: y",
    "x:y",
    "#",
    "#x",
    "x #y",
    "x#y",
    "x\t#y",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "'",
    "'x'",
    "\"",
    "\"x\"",
    "x'y",
    "x\"y",
    "x\\y",
    "\\",
    "{",
    "}",
    "[x]",
    "x,y",
    ",",
    "x?",
    "x]",
    "x}",
    "=",
    " ",
    "  ",
    " x",
    "x ",
    " x ",
    "x  y",
    "\t",
    "x\ty",
    "\tx",
    "x\t",
    "\n",
    "\n\n",
    "x\n",
    "x\n\n",
    "x\n\n\n",
    "\nx",
    "\n\nx",
    " \nx",
    "x \ny",
    "x\n y",
    "x\ny",
    "x\n  y\n",
    "x\n\ny\n",
    "  x\n y",
    "x\r\ny",
    "x\ry",
    "\r",
    "x\n\t",
    "x\n#y",
    "- x\n- y\n",
    "key: v\nother: w\n",
    "x\n ",
    "x\n \n",
    "\n ",
    "\x01",
    "x\x1by",
    "x\x7fy",
    "\x7f",
    "\xc3\xa9t\xc3\xa9",
    "\xe4\xbd\xa0\xe5\xa5\xbd",
    "\xe4\xbd\xa0 \xe5\xa5\xbd: x",
    "\xf0\x9f\x98\x80",
    "x\xf0\x9f\x98\x80y",
    "\xc2\xa0",
    "x\xc2\xa0",
    "\xc2\x85",
    "x\xc2\x85y",
    "x\xc2\x85",
    "\xc2\x80",
    "\xc2\x9b[31m",
    "\xe2\x80\xa8",
    "x\xe2\x80\xa8y",
    "x\xe2\x80\xa9",
    "x\xe2\x80\xa8y\nz",
    "\xe2\x80\xae",
    "x\xe2\x80\xaey",
    "x\xe2\x80\x8ey\nz",
    "\xd8\x9c",
    "\xef\xbb\xbf",
    "x\xef\xbb\xbfy",
    "\xef\xbf\xbe",
    "\xef\xbf\xbd",
    "\xee\x80\x80",
    "\xed\x9f\xbf",
    "x\n\xc3\xa9\n",
    "\xc3\xa9\n",
    "\xe2\x80\xa8x\n",
    "x\xe2\x80\xa8",
    /* 200 characters with and without spaces (never folded: width -1) */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaa",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t "
    "u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n "
    "o p q r s t u v w x y z a b c d e f g h",
    "a  b  c  d  e  f  g  h  i  j  k  l  m  n  o  p  q  r  s  t  u  v  w  x  y  z  a  b  c  d  e "
    " f  g  h  i  j  k  l  m  n  o  p  q  r  s  t  u  v  w  x  y  z  a  b  c  d  e  f  g  h  i  j "
    " k  l  m  n  o  p  q  r  s  t  ",
    "'quoted words' and 'more of them' until the line is long enough to be folded by a width of "
    "eighty: \"still\" going on and on and on",
    "line one is long long long long long long long long long long long long long long long long\n"
    "line two is long long long long long long long long long long long long long long long long\n",
    "nginx",
    "ns-00us35o4",
    "devbox-kdpbn-zwtzuhdbtgpo.cloud.sealos.io",
    "/api/v1(/|$)(.*)",
    "networking.istio.io/v1beta1",
    "10.0.0.0/8",
    "https://example.com/x?y=z&w=1",
};
#define NNASTY (sizeof nasty / sizeof *nasty)

/* Both encoders agree on docs: the same bytes, or both refuse. */
static void same_bytes(doc_node *const *docs, size_t n, const char *what)
{
    mp_err e1 = {{0}}, e2 = {{0}};
    size_t l1 = 0, l2 = 0;
    char *fast = doc_emit_yaml_stream(docs, n, &l1, &e1);
    char *ref = doc_emit_yaml_libyaml(docs, n, &l2, &e2);
    ck_assert_msg((fast == NULL) == (ref == NULL), "%s: one encoder refused: %s%s", what, e1.msg,
                  e2.msg);
    if (fast) {
        ck_assert_msg(l1 == l2 && !memcmp(fast, ref, l1),
                      "%s: differs\n--- direct:\n%s\n--- libyaml:\n%s", what, fast, ref);
        ck_assert_uint_eq(strlen(fast), l1);
    } else {
        ck_assert_str_eq(e1.msg, e2.msg);
    }
    free(fast);
    free(ref);
}

/* d described to yaml_w node by node, the root's keys in the encoder's order. */
static void replay(yaml_w *w, const doc_node *d, bool top)
{
    if (d->kind == DOC_SCALAR) {
        if (d->type == DOC_STR && strlen(d->text) == d->len)
            yaml_w_str(w, d->text); /* its own shortcut for plain strings */
        else
            yaml_w_scalar(w, d->type, d->text, d->len);
        return;
    }
    (d->kind == DOC_MAP ? yaml_w_map : yaml_w_seq)(w);
    bool reorder = emit_reorders(d, top);
    for (size_t t = 0; reorder && t < EMIT_NTOP; t++)
        for (size_t i = 0; i < d->len; i++)
            if (!strcmp(d->keys[i], emit_top_order[t])) {
                yaml_w_key(w, d->keys[i]);
                replay(w, d->items[i], false);
            }
    for (size_t i = 0; i < d->len; i++) {
        if (d->kind == DOC_MAP && reorder && emit_is_top_key(d->keys[i]))
            continue;
        if (d->kind == DOC_MAP)
            yaml_w_key(w, d->keys[i]);
        replay(w, d->items[i], false);
    }
    yaml_w_end(w);
}

/* yaml_w writes what emit_yaml_direct writes for d, or hands it back alike. */
static void writer_same(const doc_node *d, const char *what)
{
    strbuf a, b;
    strbuf_init(&a);
    strbuf_init(&b);
    strbuf_puts(&a, "x");
    strbuf_puts(&b, "x");
    bool direct = emit_yaml_direct(d, &a);
    yaml_w w;
    yaml_w_begin(&w, &b);
    replay(&w, d, true);
    ck_assert_msg(yaml_w_end_doc(&w) == direct, "%s: yaml_w and the tree encoder disagree", what);
    ck_assert_msg(a.len == b.len && !memcmp(a.buf, b.buf, a.len),
                  "%s: yaml_w differs\n--- tree:\n%s\n--- yaml_w:\n%s", what, a.buf, b.buf);
    strbuf_free(&a);
    strbuf_free(&b);
}

static void same_bytes1(const doc_node *d, const char *what)
{
    doc_node *one[1] = {(doc_node *)d};
    same_bytes(one, 1, what);
    writer_same(d, what);
}

/* The direct encoder writes d itself (no fallback), and the bytes are libyaml's. */
static void direct_takes(const doc_node *d, const char *what)
{
    strbuf sb;
    strbuf_init(&sb);
    char *ref = doc_emit_yaml_libyaml((doc_node *const *)&d, 1, NULL, NULL);
    ck_assert_msg(emit_yaml_direct(d, &sb), "%s: left to libyaml:\n%s", what, ref);
    free(ref);
    strbuf_free(&sb);
    same_bytes1(d, what);
}

static doc_node *map1(const char *k, doc_node *v)
{
    doc_node *m = doc_map_new();
    ck_assert_int_eq(doc_map_set(m, k, v), 0);
    return m;
}

static doc_node *seq1(doc_node *v)
{
    doc_node *s = doc_seq_new();
    ck_assert_int_eq(doc_seq_push(s, v), 0);
    return s;
}

/* s in every place of a tree that libyaml indents differently. */
static doc_node *everywhere(const char *s)
{
    doc_node *m = doc_map_new();
    doc_map_set(m, "apiVersion", doc_str_new("v1"));
    doc_map_set(m, "value", doc_str_new(s));
    doc_map_set(m, s, doc_str_new("as key"));
    doc_map_set(m, "seq", seq1(doc_str_new(s)));
    doc_map_set(m, "seq-of-maps", seq1(map1(s, doc_str_new(s))));
    doc_map_set(m, "seq-of-seqs", seq1(seq1(doc_str_new(s))));
    doc_node *deep = map1("a", map1("b", seq1(map1("c", seq1(seq1(map1(s, doc_str_new(s))))))));
    doc_map_set(m, "deep", deep);
    doc_map_set(m, "empty-map", doc_map_new());
    doc_map_set(m, "empty-seq", doc_seq_new());
    doc_map_set(m, "int", doc_scalar_new(DOC_INT, s));
    doc_map_set(m, "null", doc_scalar_new(DOC_NULL, s));
    doc_map_set(m, "last", seq1(doc_str_new(s)));
    return m;
}

/* Keys libyaml writes as "? key": the only strings the direct encoder leaves to it,
 * with bytes it refuses (checked by utf8 below). */
static bool complex_key(const char *s)
{
    return strlen(s) > 128 || strpbrk(s, "\n\r") || strstr(s, "\xc2\x85") ||
           strstr(s, "\xe2\x80\xa8") || strstr(s, "\xe2\x80\xa9");
}

START_TEST(nasty_scalars_everywhere)
{
    const char *s = nasty[_i];
    doc_node *d = everywhere(s);
    same_bytes1(d, s);
    if (!complex_key(s))
        direct_takes(d, s);
    doc_free(d);
    /* the same without the key, so that even "? key" strings go the direct way */
    doc_node *v = doc_map_new();
    doc_map_set(v, "value", doc_str_new(s));
    doc_map_set(v, "items", seq1(doc_str_new(s)));
    doc_map_set(v, "in", seq1(map1("k", doc_str_new(s))));
    doc_map_set(v, "after", doc_str_new("x"));
    direct_takes(v, s);
    doc_free(v);
    /* as the last thing of the document (a "|+" literal there adds "...") and as the root */
    doc_node *last = map1("k", doc_str_new(s));
    direct_takes(last, s);
    doc_free(last);
    doc_node *root = doc_str_new(s);
    direct_takes(root, s);
    doc_free(root);
    doc_node *rseq = seq1(doc_str_new(s));
    direct_takes(rseq, s);
    doc_free(rseq);
}
END_TEST

/* Every pair: a scalar next to another changes what the second one starts after
 * (a literal's last line break, open_ended). */
START_TEST(nasty_pairs)
{
    doc_node *m = doc_map_new();
    doc_node *s = doc_seq_new();
    for (size_t j = 0; j < NNASTY; j++) {
        char k[32];
        snprintf(k, sizeof k, "k%zu", j);
        doc_map_set(m, k, doc_str_new(nasty[_i]));
        snprintf(k, sizeof k, "v%zu", j);
        doc_map_set(m, k, doc_str_new(nasty[j]));
        doc_seq_push(s, doc_str_new(nasty[j]));
        doc_seq_push(s, doc_str_new(nasty[_i]));
    }
    doc_map_set(m, "seq", s);
    same_bytes1(m, nasty[_i]);
    doc_node *two[2] = {m, everywhere(nasty[_i])};
    same_bytes(two, 2, "stream");
    doc_free(two[1]);
    doc_free(m);
}
END_TEST

START_TEST(refused_bytes_are_refused_alike)
{
    /* invalid UTF-8 (libyaml refuses the event) and text cut by a NUL */
    static const char *const bad[] = {"\xff", "x\xc3", "\xc0\xaf", "\xe0\x80\x80", "\x80x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        doc_node *d = map1("k", doc_str_new(bad[i]));
        same_bytes1(d, "invalid utf-8 value");
        doc_free(d);
        d = map1(bad[i], doc_str_new("v"));
        same_bytes1(d, "invalid utf-8 key");
        doc_free(d);
    }
    doc_node *d = map1("k", doc_strn_new("a\0b", 3));
    same_bytes1(d, "NUL inside");
    doc_free(d);
}
END_TEST

START_TEST(complex_keys_go_to_libyaml)
{
    char key[200];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    doc_node *d = map1(key, doc_str_new("v"));
    strbuf sb;
    strbuf_init(&sb);
    ck_assert(!emit_yaml_direct(d, &sb));
    ck_assert_uint_eq(sb.len, 0);
    same_bytes1(d, "long key");
    char *y = doc_emit_yaml(d, NULL, NULL);
    ck_assert_msg(y && y[0] == '?', "%s", y);
    free(y);
    key[128] = '\0'; /* 128 bytes is still a simple key */
    doc_node *ok = map1(key, doc_str_new("v"));
    direct_takes(ok, "128-byte key");
    doc_free(ok);
    doc_free(d);
    strbuf_free(&sb);
}
END_TEST

/* Pseudo-random trees from tricky pieces (a fixed seed: the same trees every run). */
static unsigned long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rng_state >> 33) % n;
}

static char *random_text(void)
{
    static const char *const piece[] = {"a",
                                        "Z",
                                        "0",
                                        "7",
                                        " ",
                                        "  ",
                                        ":",
                                        ": ",
                                        "#",
                                        " #",
                                        "-",
                                        "- ",
                                        "?",
                                        ".",
                                        "...",
                                        "---",
                                        "'",
                                        "\"",
                                        "\\",
                                        "\n",
                                        "\n\n",
                                        "\t",
                                        "\r",
                                        "{",
                                        "]",
                                        ",",
                                        "!",
                                        "&",
                                        "*",
                                        "|",
                                        ">",
                                        "%",
                                        "@",
                                        "`",
                                        "~",
                                        "null",
                                        "on",
                                        "300",
                                        "0x",
                                        "1e5",
                                        "\xc3\xa9",
                                        "\xe4\xbd\xa0",
                                        "\xf0\x9f\x98\x80",
                                        "\xc2\x85",
                                        "\xc2\xa0",
                                        "\xe2\x80\xa8",
                                        "\xe2\x80\xae",
                                        "\xef\xbb\xbf",
                                        "\x01",
                                        "\x7f",
                                        "\xc2\x9b"};
    size_t np = sizeof piece / sizeof *piece, n = rnd(7);
    char buf[256] = "";
    for (size_t i = 0; i < n; i++)
        strcat(buf, piece[rnd((unsigned)np)]);
    return strdup(buf);
}

static doc_node *random_tree(int depth)
{
    unsigned k = depth > 3 ? 0 : rnd(10);
    if (k < 5) {
        char *t = random_text();
        doc_node *n = k == 4 ? doc_scalar_new(DOC_INT, t) : doc_str_new(t); /* any text plain */
        free(t);
        return n;
    }
    doc_node *c = k < 8 ? doc_map_new() : doc_seq_new();
    unsigned len = rnd(4);
    for (unsigned i = 0; i < len; i++) {
        if (c->kind == DOC_SEQ) {
            doc_seq_push(c, random_tree(depth + 1));
            continue;
        }
        char *key = random_text();
        char kbuf[300];
        snprintf(kbuf, sizeof kbuf, "%s%u", key, i); /* keys stay distinct */
        free(key);
        doc_map_set(c, kbuf, random_tree(depth + 1));
    }
    return c;
}

/* The encoders write a key of the shared table plain without analysing it:
 * libyaml (which analyses every key) must agree for each. */
START_TEST(table_keys_are_plain)
{
    for (size_t i = 0; i < doc_key_count(); i++) {
        doc_node *d = map1(doc_key_at(i), doc_str_new("v"));
        ck_assert(doc_key_is_static(d->keys[0]));
        same_bytes1(d, doc_key_at(i));
        doc_free(d);
    }
}
END_TEST

/* Keys and string values of letters, digits and . / _ - (a letter or '/'
 * first) are written plain without the scalar analysis unless they are
 * YAML 1.1 words (or keys longer than 128 bytes): libyaml must agree at
 * each edge, and on random strings of that alphabet. */
START_TEST(simple_keys_agree)
{
    static const char *const keys[] = {
        "y",     "Y",    "yes",   "Yes",    "YES",
        "n",     "N",    "no",    "No",     "NO",
        "true",  "True", "TRUE",  "false",  "False",
        "FALSE", "on",   "On",    "ON",     "off",
        "Off",   "OFF",  "null",  "Null",   "NULL",
        "yES",   "nULL", "oN",    "yess",   "nul",
        "o",     "of",   "tru",   "falsey", "nulls",
        "x",     "ab-c", "a.b/c", "a_b",    "a-",
        "a.",    "a/",   "A9",    "9a",     "-a",
        ".a",    "/a",   "_a",    "a--b",   "app.kubernetes.io/managed-by",
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        doc_node *d = map1(keys[i], seq1(doc_str_new(keys[i])));
        doc_map_set(d, "v", doc_str_new(keys[i]));
        same_bytes1(d, keys[i]);
        doc_free(d);
    }
    char k[140];
    for (size_t len = 126; len <= 131; len++) {
        memset(k, 'a', len);
        k[len] = '\0';
        doc_node *d = map1(k, seq1(doc_str_new("v")));
        same_bytes1(d, "long key");
        doc_free(d);
    }
    static const char alpha[] = "abnoyXYZ019./_-";
    rng_state = 7;
    for (int t = 0; t < 2000; t++) {
        size_t len = 1 + rnd(8);
        for (size_t i = 0; i < len; i++)
            k[i] = alpha[rnd(sizeof alpha - 1)];
        k[len] = '\0';
        doc_node *d = map1(k, doc_str_new(k));
        same_bytes1(d, k);
        doc_free(d);
    }
}
END_TEST

/* A digit first and a letter last (durations such as "300s" skip
 * doc_needs_quotes' tests in ascii_needs_quotes): against libyaml with
 * ints, hex, floats, sexagesimals and dates in the middle. */
START_TEST(durations_against_libyaml)
{
    static const char *const mid[] = {"",   "0",   "00",     "_1", ".",  ".5", "e5",  "e",
                                      "x1", "x1F", ":30:1",  "-1", "+1", "12", "0o7", "b1",
                                      "T1", "1Z",  "-12-14", " ",  "#",  "s",  "1 2"};
    char buf[32];
    for (char first = '0'; first <= '9'; first++)
        for (size_t m = 0; m < sizeof mid / sizeof *mid; m++)
            for (int last = 0; last < 53; last++) {
                char z = last < 26 ? (char)('a' + last) : last < 52 ? (char)('A' + last - 26) : '.';
                snprintf(buf, sizeof buf, "%c%s%c", first, mid[m], z);
                doc_node *d = map1("k", seq1(doc_str_new(buf)));
                doc_map_set(d, "v", doc_str_new(buf));
                same_bytes1(d, buf);
                doc_free(d);
            }
}
END_TEST

/* yaml_w_int and yaml_w_bool write what yaml_w_scalar writes for their
 * text, as a map value, a sequence item and the root. */
START_TEST(ints_and_bools_as_scalars)
{
    static const long long v[] = {0, 7, -1, 308, -4096, 9223372036854775807LL};
    for (size_t i = 0; i < sizeof v / sizeof *v + 2; i++) {
        char text[32];
        bool is_bool = i >= sizeof v / sizeof *v;
        if (is_bool)
            snprintf(text, sizeof text, "%s", i % 2 ? "true" : "false");
        else
            snprintf(text, sizeof text, "%lld", v[i]);
        for (int place = 0; place < 3; place++) {
            strbuf a, b;
            strbuf_init(&a);
            strbuf_init(&b);
            yaml_w wa, wb;
            yaml_w_begin(&wa, &a);
            yaml_w_begin(&wb, &b);
            if (place) {
                (place == 1 ? yaml_w_map : yaml_w_seq)(&wa);
                (place == 1 ? yaml_w_map : yaml_w_seq)(&wb);
                if (place == 1) {
                    yaml_w_key(&wa, "k");
                    yaml_w_key(&wb, "k");
                }
            }
            if (is_bool)
                yaml_w_bool(&wa, i % 2);
            else
                yaml_w_int(&wa, v[i]);
            yaml_w_scalar(&wb, is_bool ? DOC_BOOL : DOC_INT, text, strlen(text));
            if (place) {
                yaml_w_end(&wa);
                yaml_w_end(&wb);
            }
            ck_assert(yaml_w_end_doc(&wa) && yaml_w_end_doc(&wb));
            ck_assert(a.len == b.len && !memcmp(a.buf, b.buf, a.len)); /* yaml_w ends no text */
            strbuf_free(&a);
            strbuf_free(&b);
        }
    }
}
END_TEST

/* yaml_w_entries_of writes what the calls it stands for write: a head at
 * the document's root, entries of a nested map, of a map that is a
 * sequence item (its first key after "- "); and nothing when a value is
 * not plain. */
START_TEST(entries_at_once_as_the_calls)
{
    static const char *const names[] = {"web", "ns-1/gw", "a.b.c",        "yes", "300", "x: y",
                                        "*.a", "300s",    "https://a.io", "a b", "",    "\xc3\xa9"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *name = names[i];
        strbuf a, b;
        strbuf_init(&a);
        strbuf_init(&b);
        yaml_w wa, wb;
        yaml_w_begin(&wa, &a);
        yaml_w_begin(&wb, &b);
        /* the calls */
        yaml_w_map(&wb);
        YAML_W_KEY(&wb, "kind");
        yaml_w_str(&wb, name);
        YAML_W_KEY(&wb, "metadata");
        yaml_w_map(&wb);
        YAML_W_KEY(&wb, "name");
        yaml_w_str(&wb, name);
        yaml_w_end(&wb);
        YAML_W_KEY(&wb, "spec");
        yaml_w_map(&wb);
        YAML_W_KEY(&wb, "hosts");
        yaml_w_seq(&wb);
        yaml_w_str(&wb, name);
        yaml_w_end(&wb);
        YAML_W_KEY(&wb, "list");
        yaml_w_seq(&wb);
        yaml_w_map(&wb);
        YAML_W_KEY(&wb, "a");
        yaml_w_str(&wb, name);
        YAML_W_KEY(&wb, "b");
        yaml_w_int(&wb, 1);
        yaml_w_end(&wb);
        yaml_w_end(&wb);
        yaml_w_end(&wb);
        yaml_w_end(&wb);
        /* the same at once where yaml_w_entries_of takes it */
        yaml_w_map(&wa);
        const yaml_w_part head[] = {YAML_W_LIT("kind: "), YAML_W_VAL(name),
                                    YAML_W_LIT("\nmetadata:\n  name: "), YAML_W_VAL(name),
                                    YAML_W_LIT("\nspec:")};
        bool plain = yaml_w_is_plain(name, strlen(name));
        size_t before = a.len;
        ck_assert(yaml_w_entries_of(&wa, 3, head, 5) == plain);
        if (!plain) {
            ck_assert_uint_eq(a.len, before); /* nothing written */
            strbuf_free(&a);
            strbuf_free(&b);
            continue;
        }
        yaml_w_map(&wa);
        const yaml_w_part hosts[] = {YAML_W_LIT("hosts:\n  - "), YAML_W_VAL(name),
                                     YAML_W_LIT("\n  list:")};
        ck_assert(yaml_w_entries_of(&wa, 2, hosts, 3));
        yaml_w_seq(&wa);
        yaml_w_map(&wa);
        const yaml_w_part item[] = {YAML_W_LIT("a: "), YAML_W_VAL(name), YAML_W_LIT("\n    b:")};
        ck_assert(yaml_w_entries_of(&wa, 2, item, 3));
        yaml_w_int(&wa, 1);
        yaml_w_end(&wa);
        yaml_w_end(&wa);
        yaml_w_end(&wa);
        yaml_w_end(&wa);
        ck_assert(yaml_w_end_doc(&wa) && yaml_w_end_doc(&wb));
        strbuf_putc(&a, '\0'); /* yaml_w leaves the text unterminated */
        strbuf_putc(&b, '\0');
        ck_assert_msg(a.len == b.len && !memcmp(a.buf, b.buf, a.len),
                      "%s\n--- calls:\n%s\n--- at once:\n%s", name, b.buf, a.buf);
        strbuf_free(&a);
        strbuf_free(&b);
    }
}
END_TEST

/* yaml_w_str's scan for a plain string (sixteen bytes a step, the tail in
 * the last sixteen) and simple_key's for a key: a byte that stops them,
 * or one at the edge of a range they take, at every place of strings of
 * 1 to 40 bytes, first a letter or '/', against libyaml. */
START_TEST(stop_bytes_at_every_place)
{
    static const char *const stops[] = {
        ":", "#", "\x7f", "\x1f", "\x01", " ", "\t", "\xc3\xa9", "a", ": ", " #", "-", ".",
        "/", "0", "9",    "@",    "[",    "`", "{",  "_",        "Z", "A",  "z",  ","};
    char buf[64];
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
                for (int slash = 0; slash < 2; slash++) {
                    memset(buf, 'a', len);
                    buf[0] = slash ? '/' : 'a';
                    size_t sl = strlen(stops[k]);
                    if (at + sl > len)
                        continue;
                    memcpy(buf + at, stops[k], sl);
                    buf[len] = '\0';
                    doc_node *d = map1("k", seq1(doc_str_new(buf)));
                    doc_map_set(d, "v", doc_str_new(buf));
                    doc_map_set(d, buf, doc_str_new("v")); /* as a key: simple_key's scan */
                    same_bytes1(d, buf);
                    doc_free(d);
                }
}
END_TEST

START_TEST(random_trees)
{
    rng_state = 20261130ul;
    size_t direct = 0;
    for (int t = 0; t < 20000; t++) {
        doc_node *d = random_tree(0);
        same_bytes1(d, "random tree");
        strbuf sb;
        strbuf_init(&sb);
        direct += emit_yaml_direct(d, &sb);
        strbuf_free(&sb);
        doc_free(d);
    }
    /* most trees hold no "? key" (a key with a line break) */
    ck_assert_msg(direct > 12000, "only %zu of 20000 written directly", direct);
}
END_TEST

/* ---- every manifest of the fixture corpora ---- */

static size_t nfiles, ndocs;

static bool is_file(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode);
}

static void compare_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    doc_list l;
    doc_list_init(&l);
    mp_err err;
    if (doc_parse_auto(buf, n, path, &l, &err) == 0) {
        for (size_t i = 0; i < l.len; i++)
            same_bytes1(l.docs[i], path);
        same_bytes(l.docs, l.len, path);
        nfiles++;
        ndocs += l.len;
    }
    doc_list_free(&l);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (is_file(path))
            compare_file(path);
        else
            walk(path);
    }
    closedir(d);
}

START_TEST(fixture_corpora)
{
    static const char *const dirs[] = FIXTURE_DIRS;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        walk(dirs[i]);
    /* an empty walk would check nothing */
    ck_assert_msg(nfiles > 400 && ndocs > 600, "%zu files, %zu documents", nfiles, ndocs);
}
END_TEST

static Suite *emit_yaml_suite(void)
{
    Suite *s = suite_create("emit_yaml");
    TCase *tc = tcase_create("same-bytes");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, nasty_scalars_everywhere, 0, (int)NNASTY);
    tcase_add_loop_test(tc, nasty_pairs, 0, (int)NNASTY);
    tcase_add_test(tc, refused_bytes_are_refused_alike);
    tcase_add_test(tc, complex_keys_go_to_libyaml);
    tcase_add_test(tc, table_keys_are_plain);
    tcase_add_test(tc, simple_keys_agree);
    tcase_add_test(tc, stop_bytes_at_every_place);
    tcase_add_test(tc, durations_against_libyaml);
    tcase_add_test(tc, ints_and_bools_as_scalars);
    tcase_add_test(tc, entries_at_once_as_the_calls);
    tcase_add_test(tc, random_trees);
    tcase_add_test(tc, fixture_corpora);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(emit_yaml_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
