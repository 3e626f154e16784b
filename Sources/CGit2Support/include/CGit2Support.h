#ifndef AGENTREPLAY_CGIT2_SUPPORT_H
#define AGENTREPLAY_CGIT2_SUPPORT_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/// A read-only object-database backend that answers from another object database.
///
/// agentreplay layers an in-memory object store (git_mempack) over a repository's own objects
/// by giving the repository a new object database of two backends: the mempack, which takes
/// every write, and this proxy, which reads the repository's objects. Unlike adding the
/// mempack to the repository's own database, writes then never touch the disk: no loose-object
/// "freshen" (utimensat), no pack-directory rescans on a miss.
///
/// On success `*out` owns one reference to `source` (released when the backend is freed by
/// the database it was added to).
int agentreplay_proxy_backend_new(git_odb_backend **out, git_odb *source);

#endif
