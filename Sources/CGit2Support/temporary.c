#define _GNU_SOURCE
#include "temporary.h"
#include "CGit2Support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int agentreplay_temporary(char *path, size_t size, const char *pack_dir) {
    int n = snprintf(path, size, "%s/pack_git2_agentreplay_%ld_XXXXXX", pack_dir, (long)getpid());
    if (n < 0 || (size_t)n >= size) return -1;
    return mkstemp(path);
}

int agentreplay_anonymous_temporary(const char *dir) {
#ifdef O_TMPFILE
    /* Naming it later goes through /proc/self/fd; without /proc it could not be named. */
    if (access("/proc/self/fd", X_OK) != 0) return -1;
    return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
    (void)dir;
    return -1;
#endif
}

int agentreplay_link_anonymous(int fd, const char *path) {
    char self[64];
    int n = snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    if (n < 0 || (size_t)n >= sizeof self) return -1;
    return linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}
