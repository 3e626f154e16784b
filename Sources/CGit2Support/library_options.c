#include "CGit2Support.h"

int agentreplay_configure_library(void) {
    int rc;
    /* git reads objects without re-hashing them (only fsck checks); so does agentreplay. With
       verification on, libgit2 hashes every object read, twice through the proxy backend. */
    if ((rc = git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0)) < 0) return rc;
    /* Every tree and commit agentreplay writes names objects it has just written or read: the
       existence check per entry libgit2 makes by default only repeats what is known. */
    if ((rc = git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0)) < 0) return rc;
    return 0;
}
