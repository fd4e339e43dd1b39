/*
 * editor.c - temp files for $EDITOR and running it (see editor.h).
 */
#include "api/editor.h"
#include "api/proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int editor_tempfile(const char *text, size_t len, char *path, size_t n, mp_err *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int w = snprintf(path, n, "%s/meshpanel-edit-XXXXXX.yaml", dir);
    if (w < 0 || (size_t)w >= n)
        return mp_errf(err, "$TMPDIR is too long");
    mode_t old = umask(077);
    int fd = mkstemps(path, 5);
    umask(old);
    if (fd < 0)
        return mp_errf(err, "%s: %s", path, strerror(errno));
    for (size_t off = 0; off < len;) {
        ssize_t k = write(fd, text + off, len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return mp_errf(err, "%s: %s", path, strerror(e));
        }
        off += (size_t)k;
    }
    if (close(fd) < 0) {
        unlink(path);
        return mp_errf(err, "%s: %s", path, strerror(errno));
    }
    return 0;
}

void editor_tempfile_remove(const char *path)
{
    if (path && *path)
        unlink(path);
}

static const char *editor_command(void)
{
    const char *e = getenv("VISUAL");
    if (!e || !*e)
        e = getenv("EDITOR");
    return e && *e ? e : "vi";
}

int editor_run(const char *path, mp_err *err)
{
    char script[4200];
    int w = snprintf(script, sizeof script, "%s \"$1\"", editor_command());
    if (w < 0 || (size_t)w >= sizeof script)
        return mp_errf(err, "$EDITOR is too long");
    pid_t pid = fork();
    if (pid < 0)
        return mp_errf(err, "cannot start the editor: %s", strerror(errno));
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTSTP, SIG_DFL);
        proc_close_inherited(); /* the editor gets the terminal, nothing else of ours */
        execl("/bin/sh", "sh", "-c", script, "sh", path, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return mp_errf(err, "waiting for the editor: %s", strerror(errno));
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return mp_errf(err, "the editor was killed by signal %d",
                   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
