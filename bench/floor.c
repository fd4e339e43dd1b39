/*
 * floor.c - the floor meshpanel's conversion is measured against (issue 11):
 * what libyaml and cJSON alone take for the bytes convert reads and writes.
 *
 *   floor yaml-parse FILE [RUNS]   libyaml events of FILE, nothing built
 *   floor yaml-emit FILE [RUNS]    libyaml events of FILE re-emitted into memory
 *                                  (parse + emit: run on convert's own output)
 *   floor json FILE [RUNS]         cJSON_Parse + cJSON_PrintUnformatted of FILE
 *
 * Each run reads the file, does the work and prints its wall time in
 * seconds on one line (CLOCK_MONOTONIC); bench/run.sh takes the median.
 * Not a test and not installed.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

typedef struct {
    char *buf;
    size_t len;
} text;

static int read_all(const char *path, text *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16;
    t->buf = malloc(cap);
    t->len = 0;
    for (size_t n; t->buf && (n = fread(t->buf + t->len, 1, cap - t->len, f)) > 0;) {
        t->len += n;
        if (t->len == cap)
            t->buf = realloc(t->buf, cap *= 2);
    }
    fclose(f);
    return t->buf ? 0 : -1;
}

/* An emitter's output grows here instead of going to a file. */
static int sink(void *ud, unsigned char *buf, size_t n)
{
    text *t = ud;
    char *p = realloc(t->buf, t->len + n);
    if (!p)
        return 0;
    memcpy(p + t->len, buf, n);
    t->buf = p;
    t->len += n;
    return 1;
}

/* Events of in; re-emitted into out when out is non-NULL. Returns the
 * number of events, -1 on a parse or emit error. */
static long yaml_pass(const text *in, text *out)
{
    yaml_parser_t p;
    yaml_emitter_t e;
    yaml_event_t ev;
    long n = 0;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)in->buf, in->len);
    if (out) {
        yaml_emitter_initialize(&e);
        yaml_emitter_set_output(&e, sink, out);
        yaml_emitter_set_unicode(&e, 1);
        yaml_emitter_set_width(&e, -1);
    }
    for (int done = 0; !done; n++) {
        if (!yaml_parser_parse(&p, &ev)) {
            n = -1;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        if (out && !yaml_emitter_emit(&e, &ev)) { /* takes ev */
            n = -1;
            break;
        }
        if (!out)
            yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (out)
        yaml_emitter_delete(&e);
    return n;
}

static long json_pass(const text *in)
{
    cJSON *j = cJSON_ParseWithLength(in->buf, in->len);
    if (!j)
        return -1;
    char *s = cJSON_PrintUnformatted(j);
    long n = s ? (long)strlen(s) : -1;
    free(s);
    cJSON_Delete(j);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long one_run(const char *mode, const char *path)
{
    text in, out = {NULL, 0};
    if (read_all(path, &in) < 0)
        return -2;
    long r = !strcmp(mode, "yaml-parse")  ? yaml_pass(&in, NULL)
             : !strcmp(mode, "yaml-emit") ? yaml_pass(&in, &out)
                                          : json_pass(&in);
    free(in.buf);
    free(out.buf);
    return r;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "yaml-parse") && strcmp(argv[1], "yaml-emit") &&
                     strcmp(argv[1], "json"))) {
        fprintf(stderr, "usage: floor yaml-parse|yaml-emit|json FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 1;
    for (int i = 0; i < (runs > 0 ? runs : 1); i++) {
        double t = now();
        long r = one_run(argv[1], argv[2]);
        t = now() - t;
        if (r < 0) {
            fprintf(stderr, "floor: %s: %s failed\n", argv[2], r == -2 ? "reading" : argv[1]);
            return 1;
        }
        printf("%.4f\n", t);
    }
    return 0;
}
