/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peak-rss RESULT COMMAND [ARG...]: runs COMMAND with this program's
 * standard streams and writes its peak resident memory in KiB to the file
 * RESULT; exits as COMMAND did.  A test in Python cannot ask the kernel
 * itself: a child forked from the interpreter starts as big as it is, and
 * ru_maxrss keeps that.  Forked from this, the child starts small.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct rusage usage;
    FILE *result;
    pid_t pid;
    int status;

    if (argc < 3) {
        fprintf(stderr, "usage: peak-rss RESULT COMMAND [ARG...]\n");
        return 125;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "peak-rss: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "peak-rss: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "peak-rss: wait4: %s\n", strerror(errno));
            return 125;
        }
    }
    result = fopen(argv[1], "w");
    if (!result || fprintf(result, "%ld\n", usage.ru_maxrss) < 0 || fclose(result) != 0) {
        fprintf(stderr, "peak-rss: %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
