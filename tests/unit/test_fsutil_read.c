/* test_fsutil_read.c - fs_read_file: every byte, one NUL after them, for
 * files sized around its buffer's first guess and for files whose size
 * fstat does not tell (/proc, pipes). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/fsutil.h"

static char dir[] = "/tmp/mp-fsread-XXXXXX";

static void make_dir(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    strcpy(dir, "/tmp/mp-fsread-XXXXXX");
}

/* n bytes that differ from their neighbours, so a shifted or repeated
 * block shows */
static char *pattern(size_t n)
{
    char *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + (i * 7 + i / 4093) % 26);
    return p;
}

static void write_file(const char *path, const char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

static void check_read(size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/f%zu", dir, n);
    char *want = pattern(n);
    write_file(path, want, n);
    mp_err err = {""};
    size_t len = 12345;
    char *got = fs_read_file(path, &len, &err);
    ck_assert_msg(got != NULL, "%zu bytes: %s", n, err.msg);
    ck_assert_uint_eq(len, n);
    ck_assert_msg(memcmp(got, want, n) == 0, "%zu bytes differ", n);
    ck_assert_int_eq(got[n], '\0');
    free(got);
    free(want);
}

START_TEST(regular_files_of_every_size_class)
{
    /* empty, small, around the 64 KiB first guess of an unsized read, and
     * big enough (5 MiB) for the buffer to ask for huge pages */
    static const size_t sizes[] = {0,     1,      4095,    4096,          65535,         65536,
                                   65537, 131073, 2 << 20, (2 << 20) + 1, (5 << 20) + 17};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        check_read(sizes[i]);
}
END_TEST

START_TEST(file_whose_size_fstat_does_not_tell)
{
    /* /proc files report size 0 and still have bytes */
    mp_err err = {""};
    size_t len = 0;
    char *got = fs_read_file("/proc/self/status", &len, &err);
    ck_assert_msg(got != NULL, "%s", err.msg);
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(strlen(got), len);
    ck_assert_ptr_nonnull(strstr(got, "Name:"));
    free(got);
}
END_TEST

START_TEST(standard_input_from_a_pipe)
{
    size_t n = 300000; /* more than one 64 KiB step and more than a pipe holds */
    char *want = pattern(n);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fds[1], want + off, n - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fds[0], STDIN_FILENO), 0);
    close(fds[0]);
    mp_err err = {""};
    size_t len = 0;
    char *got = fs_read_file("-", &len, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(got != NULL, "%s", err.msg);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(got, want, n) == 0);
    ck_assert_int_eq(got[n], '\0');
    free(got);
    free(want);
}
END_TEST

START_TEST(errors_name_the_path)
{
    char path[128];
    snprintf(path, sizeof path, "%s/missing.yaml", dir);
    mp_err err = {""};
    ck_assert_ptr_null(fs_read_file(path, NULL, &err));
    char want[256];
    snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(fs_read_file(dir, NULL, &err));
    ck_assert_msg(strncmp(err.msg, dir, strlen(dir)) == 0, "%s", err.msg);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fsutil_read");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, regular_files_of_every_size_class);
    tcase_add_test(tc, file_whose_size_fstat_does_not_tell);
    tcase_add_test(tc, standard_input_from_a_pipe);
    tcase_add_test(tc, errors_name_the_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
