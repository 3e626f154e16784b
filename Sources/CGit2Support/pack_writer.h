#ifndef AGENTREPLAY_PACK_WRITER_H
#define AGENTREPLAY_PACK_WRITER_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/* Writes the `count` objects `ids` (read from `source`; an id may repeat: each is packed
   once) into `pack_dir` as one pack and its version-2 index. `bases[i]`, when not all
   zeroes, is the object `ids[i]` is a new version of: a delta base when it is in the pack. */
int agentreplay_write_pack(const char *pack_dir, git_odb_backend *source, const git_oid *ids, const git_oid *bases, size_t count);

#endif
