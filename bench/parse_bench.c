/*
 * parse_bench.c - times decoding one object with a huge map (issue 12: map
 * keys are hash-indexed, so a tenant's 1,000,000-key label map decodes in
 * linear time). Not a test: timings never go in tests.
 *
 * usage: parse_bench [KEYS] [RUNS]      (defaults: 1000000 keys, 5 runs)
 *
 * Builds an Ingress whose metadata.labels has KEYS entries, as JSON and as
 * YAML, and prints the median and fastest decode in milliseconds for each
 * (doc_parse_json / doc_parse_yaml, duplicate-key checks included). Past
 * DOC_MAX_MAP_KEYS (262,144) the decoders refuse the map: the time is then
 * the time to refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/parse.h"
#include "model/strbuf.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *build(size_t keys, int json, size_t *len)
{
    strbuf sb;
    strbuf_init(&sb);
    if (json)
        strbuf_puts(&sb, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
                         "\"metadata\":{\"name\":\"big\",\"namespace\":\"ns-a\",\"labels\":{");
    else
        strbuf_puts(&sb, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
                         "  name: big\n  namespace: ns-a\n  labels:\n");
    for (size_t i = 0; i < keys; i++)
        strbuf_printf(&sb, json ? "%s\"k%zu\":\"v\"" : "%s    k%zu: v\n",
                      json ? (i ? "," : "") : "", i);
    strbuf_puts(&sb, json ? "}}}" : "");
    return strbuf_detach(&sb, len);
}

int main(int argc, char **argv)
{
    size_t keys = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 100)
        runs = 5;
    for (int json = 1; json >= 0; json--) {
        size_t len;
        char *src = build(keys, json, &len);
        double t[100];
        for (int r = 0; r < runs; r++) {
            doc_list l;
            doc_list_init(&l);
            mp_err err;
            double t0 = now_ms();
            int rc = json ? doc_parse_json(src, len, "bench", &l, &err)
                          : doc_parse_yaml(src, len, "bench", &l, &err);
            t[r] = now_ms() - t0;
            doc_list_free(&l);
            if (rc && r == 0) /* past DOC_MAX_MAP_KEYS: the time to refuse */
                printf("%s %zu keys: %s\n", json ? "json" : "yaml", keys, strstr(err.msg, "a map"));
        }
        qsort(t, (size_t)runs, sizeof *t, cmp);
        printf("%s %zu keys (%.1f MB): median %.0f ms, fastest %.0f ms\n", json ? "json" : "yaml",
               keys, (double)len / 1e6, t[runs / 2], t[0]);
        free(src);
    }
    return 0;
}
