/* replay_main.c - the fuzz targets without a fuzzing engine: feeds every
 * file of the directories (or files) given to LLVMFuzzerTestOneInput, so
 * the kept corpus and crash reproducers run in ./test.sh as regression
 * tests. A broken property aborts (fuzz.h); a missing or empty corpus is a
 * failure too, so the test cannot pass by checking nothing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        return -1;
    /* an exact-size copy: ASan sees a read past the input */
    unsigned char *exact = malloc(n ? n : 1);
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file under dir (one level of subdirectories: the
 * corpus and crashes/). Returns the count, -1 on error. */
static long run_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (nn + 1) * sizeof *names);
        names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp);
    long count = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        struct stat st;
        if (stat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0) {
            long k = run_dir(path, depth - 1);
            count += k > 0 ? k : 0;
        } else if (S_ISREG(st.st_mode) && run_file(path) == 0) {
            count++;
        }
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st)) {
            perror(argv[i]);
            return 1;
        }
        long k = S_ISDIR(st.st_mode) ? run_dir(argv[i], 1) : run_file(argv[i]) == 0;
        if (k < 0)
            return 1;
        total += k;
    }
    printf("replayed %ld inputs\n", total);
    return total > 0 ? 0 : 1;
}
