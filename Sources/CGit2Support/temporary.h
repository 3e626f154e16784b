#ifndef AGENTREPLAY_TEMPORARY_H
#define AGENTREPLAY_TEMPORARY_H

#include <stddef.h>

/* Makes and opens (mkstemp) a file `pack_git2_agentreplay_<pid>_XXXXXX` in `pack_dir`,
   writing its path into `path`; returns the descriptor or -1. The pid in the name tells
   RepositoryLock's clean-up whose it is: it removes only what the process that died holding
   the lock left, never a file another live process is still writing. */
int agentreplay_temporary(char *path, size_t size, const char *pack_dir);

#endif
