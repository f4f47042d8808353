/*
 * users.c - resolves the `user` field of EXEC ("", name, uid, name:group,
 * uid:gid; names and numbers mix) from the container's /etc/passwd and
 * /etc/group. In a VM the container root is the agent's root, so these are
 * plain paths; in host mode they are the host's files (same code).
 *
 * Spec: docs/agent-protocol.md, "Exec" (`user`): a user's gid is its passwd
 * gid unless a group is given; supplementary groups are those of /etc/group
 * that list the user; a numeric uid not in passwd gets gid 0; an unknown name
 * is EINVAL "unknown user ...". An empty `user` is the agent's own identity
 * (root in a VM). Formats: passwd(5), group(5). The files are parsed here,
 * not with getpwnam(3), which may consult nscd.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PASSWD_PATH "/etc/passwd"
#define GROUP_PATH "/etc/group"
#define MAX_GROUPS 65536   /* NGROUPS_MAX of Linux */
#define MAX_LINE 65536     /* longer lines are skipped */

static gid_t g_groups[MAX_GROUPS];
static char g_line[MAX_LINE + 2];

/* Next line of f without its newline, or NULL at the end. Lines longer than
 * MAX_LINE are skipped whole. */
static char *next_line(FILE *f)
{
    for (;;) {
        if (!fgets(g_line, sizeof g_line, f))
            return NULL;
        size_t n = strlen(g_line);
        if (n > 0 && g_line[n - 1] == '\n') {
            g_line[n - 1] = 0;
            return g_line;
        }
        if (feof(f))
            return g_line;   /* last line without a newline */
        int ch;              /* too long: skip to the end of the line */
        while ((ch = getc(f)) != EOF && ch != '\n')
            ;
    }
}

/* Splits s at ':' into at most max fields; returns how many. */
static int split(char *s, char **f, int max)
{
    int n = 0;
    while (n < max) {
        f[n++] = s;
        char *c = strchr(s, ':');
        if (!c)
            break;
        *c = 0;
        s = c + 1;
    }
    return n;
}

/* Decimal 0 .. 4294967294 (-1 means "unchanged" to the set*id calls). */
static int parse_id(const char *s, uint32_t *out)
{
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v >= 0xFFFFFFFFull)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

struct pw {
    int found;
    char name[256];
    uint32_t uid, gid;
};

/* Finds a passwd entry by name (name != NULL) or by uid. */
static void passwd_find(const char *name, uint32_t uid, struct pw *pw, char *home, size_t homelen)
{
    pw->found = 0;
    FILE *f = fopen(PASSWD_PATH, "re");
    if (!f)
        return;
    char *line;
    while ((line = next_line(f))) {
        char *fl[7];
        int n = split(line, fl, 7);
        uint32_t u, g;
        if (n < 4 || fl[0][0] == '+' || fl[0][0] == '-' || parse_id(fl[2], &u) || parse_id(fl[3], &g))
            continue;
        if (name ? strcmp(fl[0], name) != 0 : u != uid)
            continue;
        if (strlen(fl[0]) >= sizeof pw->name)
            continue;
        pw->found = 1;
        strcpy(pw->name, fl[0]);
        pw->uid = u;
        pw->gid = g;
        const char *h = n >= 6 ? fl[5] : "";
        if (strlen(h) < homelen)
            strcpy(home, h);
        break;
    }
    fclose(f);
}

/* A group's gid by name; 0 found, -1 not. */
static int group_gid(const char *name, uint32_t *gid)
{
    int rc = -1;
    FILE *f = fopen(GROUP_PATH, "re");
    if (!f)
        return -1;
    char *line;
    while ((line = next_line(f))) {
        char *fl[4];
        uint32_t g;
        if (split(line, fl, 4) < 3 || strcmp(fl[0], name) || parse_id(fl[2], &g))
            continue;
        *gid = g;
        rc = 0;
        break;
    }
    fclose(f);
    return rc;
}

/* The gids of the groups whose member lists name the user. */
/* Appends to g_groups[0..n) every group of /etc/group that lists user (skipping duplicates); returns the
 * new count. */
static size_t member_groups(const char *user, size_t n)
{
    FILE *f = fopen(GROUP_PATH, "re");
    if (!f)
        return n;
    char *line;
    while ((line = next_line(f)) && n < MAX_GROUPS) {
        char *fl[4];
        uint32_t g;
        if (split(line, fl, 4) < 4 || parse_id(fl[2], &g))
            continue;
        for (char *m = fl[3], *comma; m; m = comma) {
            comma = strchr(m, ',');
            if (comma)
                *comma++ = 0;
            if (strcmp(m, user) != 0)
                continue;
            size_t i;
            for (i = 0; i < n && g_groups[i] != (gid_t)g; i++)
                ;
            if (i == n)
                g_groups[n++] = (gid_t)g;
            break;
        }
    }
    fclose(f);
    return n;
}

int users_resolve(const char *spec, struct user_ids *out, char *err, size_t errlen)
{
    char buf[512];
    struct pw pw;
    out->home[0] = 0;
    out->ngroups = 0;
    out->groups = g_groups;
    if (strlen(spec) >= sizeof buf) {
        snprintf(err, errlen, "unknown user %.64s...", spec);
        return EINVAL;
    }
    strcpy(buf, spec);
    char *group = strchr(buf, ':');
    if (group)
        *group++ = 0;
    const char *user = buf;
    uint32_t id;

    if (!*user) {
        if (group) {
            snprintf(err, errlen, "invalid user \"%s\"", spec);
            return EINVAL;
        }
        /* The agent's own identity (root in a VM). */
        out->uid = geteuid();
        passwd_find(NULL, out->uid, &pw, out->home, sizeof out->home);
        out->gid = pw.found ? pw.gid : getegid();
    } else if (parse_id(user, &id) == 0) {
        out->uid = id;
        passwd_find(NULL, id, &pw, out->home, sizeof out->home);
        out->gid = pw.found ? pw.gid : 0;
    } else {
        passwd_find(user, 0, &pw, out->home, sizeof out->home);
        if (!pw.found) {
            snprintf(err, errlen, "unknown user %s", user);
            return EINVAL;
        }
        out->uid = pw.uid;
        out->gid = pw.gid;
    }
    if (group) {
        if (parse_id(group, &id) == 0) {
            out->gid = id;
        } else if (group_gid(group, &id) == 0) {
            out->gid = id;
        } else {
            snprintf(err, errlen, "unknown group %s", group);
            return EINVAL;
        }
    }
    /* Like initgroups(3) (and Docker): the primary group first, then the user's memberships. */
    g_groups[0] = out->gid;
    out->ngroups = pw.found ? member_groups(pw.name, 1) : 1;
    return 0;
}
