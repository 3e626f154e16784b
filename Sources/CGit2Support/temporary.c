#include "temporary.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int agentreplay_temporary(char *path, size_t size, const char *pack_dir) {
    int n = snprintf(path, size, "%s/pack_git2_agentreplay_%ld_XXXXXX", pack_dir, (long)getpid());
    if (n < 0 || (size_t)n >= size) return -1;
    return mkstemp(path);
}
