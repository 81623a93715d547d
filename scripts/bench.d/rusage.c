/*
 * rusage OUT CMD [ARG...]: runs CMD, waits for it, and writes
 * "<wall nanoseconds> <peak RSS KiB> <exit status>" to the file OUT.
 *
 * scripts/bench measures every command through this small launcher: a
 * process's ru_maxrss survives exec, so a command started straight from the
 * Python harness would report at least Python's own resident size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s OUT CMD [ARG...]\n", argv[0]);
        return 2;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
        execvp(argv[2], &argv[2]);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 2;
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    FILE *f = fopen(argv[1], "w");
    if (!f) return 2;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(f, "%lld %ld %d\n", ns, ru.ru_maxrss, code);
    fclose(f);
    return code;
}
