#ifndef AGENTREPLAY_PACK_WRITER_H
#define AGENTREPLAY_PACK_WRITER_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/* How `source` holds an object as the part that differs from `base`: the base's size, the
   object's size, the lengths of the prefix and suffix it shares with the base, and the bytes
   between them (owned by `source`). */
typedef struct {
    size_t base_size, size, prefix, suffix;
    const unsigned char *middle;
} agentreplay_delta_part;

/* Whether `source` holds object `id` as the part that differs from `base` (filling `part`). */
typedef int (*agentreplay_held_delta)(git_odb_backend *source, const git_oid *id, const git_oid *base, agentreplay_delta_part *part);

/* Writes the `count` objects `ids` (read from `source`; an id may repeat: each is packed
   once) into `pack_dir` as one pack and its version-2 index. `bases[i]`, when not all
   zeroes, is the object `ids[i]` is a new version of: a delta base when it is in the pack.
   `held`, which may be NULL, lets a delta be made without reading the objects whole. */
int agentreplay_write_pack(const char *pack_dir, git_odb_backend *source, agentreplay_held_delta held, const git_oid *ids, const git_oid *bases,
                           size_t count);

#endif
