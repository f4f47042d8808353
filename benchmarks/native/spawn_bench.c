/*
 * The floor under an agent process round trip on this host, in C: what spawning and reaping a program
 * costs (posix_spawn, as the agent would at best), and one request/reply over a UNIX stream socket
 * between two processes (the transport the host-mode agent benchmark uses).
 *
 * Usage: spawn_bench spawn PROGRAM N     -> "ns_per_spawn=..."   (posix_spawn + waitpid)
 *        spawn_bench socket N            -> "ns_per_round_trip=..."
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int spawn_loop(const char *program, int n)
{
    char *argv[] = {(char *)program, NULL};
    long long start = now_ns();
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int status;
        if (posix_spawn(&pid, program, NULL, NULL, argv, environ) != 0 || waitpid(pid, &status, 0) < 0) {
            perror("spawn");
            return 1;
        }
    }
    printf("ns_per_spawn=%lld\n", (now_ns() - start) / n);
    return 0;
}

static int socket_loop(int n)
{
    int sv[2];
    char buf[16] = {0};
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        perror("socketpair");
        return 1;
    }
    pid_t echo = fork();
    if (echo == 0) {
        close(sv[0]);
        while (read(sv[1], buf, sizeof buf) == sizeof buf && write(sv[1], buf, sizeof buf) == sizeof buf) {
        }
        _exit(0);
    }
    close(sv[1]);
    long long start = now_ns();
    for (int i = 0; i < n; i++) {
        if (write(sv[0], buf, sizeof buf) != sizeof buf || read(sv[0], buf, sizeof buf) != sizeof buf) {
            perror("round trip");
            return 1;
        }
    }
    printf("ns_per_round_trip=%lld\n", (now_ns() - start) / n);
    close(sv[0]);
    waitpid(echo, NULL, 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "spawn") == 0)
        return spawn_loop(argv[2], atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "socket") == 0)
        return socket_loop(atoi(argv[2]));
    fprintf(stderr, "usage: %s spawn PROGRAM N | socket N\n", argv[0]);
    return 2;
}
