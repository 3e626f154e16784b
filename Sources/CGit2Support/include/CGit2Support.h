#ifndef AGENTREPLAY_CGIT2_SUPPORT_H
#define AGENTREPLAY_CGIT2_SUPPORT_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/// A read-only object-database backend that answers from another object database.
///
/// agentreplay layers an in-memory object store (the memory store below) over a repository's
/// own objects by giving the repository a new object database of two backends: the store,
/// which takes every write, and this proxy, which reads the repository's objects. Unlike adding
/// the store to the repository's own database, writes then never touch the disk: no
/// loose-object "freshen" (utimensat), no pack-directory rescans on a miss.
///
/// On success `*out` owns one reference to `source` (released when the backend is freed by
/// the database it was added to).
int agentreplay_proxy_backend_new(git_odb_backend **out, git_odb *source);

/// An object-database backend holding in memory the objects a replay writes, in the order
/// written. An object written as a new version of another it holds (`previous`: a file after
/// an edit, a directory after a change below it) is kept as the part that differs from it
/// (their common prefix and suffix are not copied; chains at most 8 long), and a read puts it
/// back together. Reads, `exists` and plain writes work as for any backend.
int agentreplay_memory_store_new(git_odb_backend **out);
/// Writes an object into the store without going through libgit2's `git_odb_write`: its id is
/// computed here (SHA-1 from OpenSSL, several times faster than libgit2's collision-detecting
/// SHA-1) and no other backend is asked whether it exists (the pack may then hold an object
/// the repository had already, which git allows). An object written before is compared byte
/// for byte: a different object with the same id is an error, so a SHA-1 collision among the
/// objects of a run cannot go unnoticed. `previous` may be NULL.
int agentreplay_memory_store_put(git_oid *out, git_odb_backend *store, const void *data, size_t len, git_object_t type,
                                 const git_oid *previous);
/// Writes every object of the store into `pack_dir` (the repository's objects/pack) as one pack
/// (entries deflated; a new version of an object in the pack as a delta against it, chains at
/// most 50 deep) and its version-2 index, built as the pack is written: no indexer pass.
/// Temporary files are named pack_git2_*; the pack is renamed into place before its index.
int agentreplay_memory_store_write_pack(const char *pack_dir, git_odb_backend *store);
/// Writes every object of the store into `objects_dir` (the repository's objects directory) as
/// loose objects (`agentreplay_write_loose_object`), for a few objects, where a pack of its own
/// would cost more than it saves.
int agentreplay_memory_store_write_loose(const char *objects_dir, git_odb_backend *store);
/// How many objects the store holds.
size_t agentreplay_memory_store_count(git_odb_backend *store);
/// Forgets every object (after they were written to a pack, or loose).
void agentreplay_memory_store_reset(git_odb_backend *store);
/// The id git gives `data` as an object of `type` (SHA-1 of "<type> <len>\0" and the data).
int agentreplay_object_id(git_oid *out, const void *data, size_t len, git_object_t type);

/// Writes a loose object of `type` into `objects_dir` (a repository's objects directory) as git
/// does (zlib, fastest level; SHA-1 from OpenSSL) from the `len` bytes at `data`. An object
/// already there is left as it is: `*created` is 1 when this call made the file, 0 when it
/// existed. It is written to a file with no name in objects/pack (`agentreplay_anonymous_temporary`),
/// or where the system cannot, to objects/pack/pack_git2_agentreplay_<pid>_*.
int agentreplay_write_loose_object(git_oid *out, int *created, const char *objects_dir, const void *data, size_t len,
                                   git_object_t type);
/// A blob written as a loose object while its bytes come, of a size not known in advance:
/// `new` (NULL when its temporary files cannot be made), `write` each piece, then `finish`
/// (which frees it: the id, and whether this call made the object, as for
/// `agentreplay_write_loose_object`) or `free` to abandon it. 0, or -1 with a libgit2 error.
typedef struct agentreplay_blob_writer agentreplay_blob_writer;
agentreplay_blob_writer *agentreplay_blob_writer_new(const char *objects_dir);
int agentreplay_blob_writer_write(agentreplay_blob_writer *writer, const void *data, size_t len);
int agentreplay_blob_writer_finish(agentreplay_blob_writer *writer, git_oid *out, int *created);
void agentreplay_blob_writer_free(agentreplay_blob_writer *writer);
/// Removes the loose object `id` from `objects_dir` (nothing when there is none), and its
/// fan-out directory when that is left empty.
int agentreplay_remove_loose_object(const char *objects_dir, const git_oid *id);

/// Opens a file with no name in `dir` (Linux's O_TMPFILE), which the kernel frees if the
/// process dies before `agentreplay_link_anonymous` names it: a process killed half-way
/// leaves nothing for anyone to clean. The descriptor, or -1 where the file system or the
/// system cannot (make a named temporary instead).
int agentreplay_anonymous_temporary(const char *dir);
/// Gives the anonymous file `fd` the name `path`, as link(2) does: fails with EEXIST when the
/// name is taken, never replaces it. 0, or -1 with errno.
int agentreplay_link_anonymous(int fd, const char *path);

/// Sets the process-wide libgit2 options agentreplay runs with (after `git_libgit2_init`):
/// no re-hashing of objects read, no existence check per entry of a tree written (trees are
/// cached by agentreplay itself, level by level). Returns 0 or libgit2's error code.
int agentreplay_configure_library(void);

/// Paths found by `agentreplay_worktree_scan`, each its own NUL-terminated string.
typedef struct {
    char **paths;
    size_t count, capacity;
} agentreplay_paths;
/// Frees the strings of `paths` and empties it.
void agentreplay_paths_free(agentreplay_paths *paths);
/// A stat walk of the working tree at `workdir` against `index` that only narrows libgit2's:
/// each folder holding tracked files opened once (`openat`), each tracked file `lstat`ed by its
/// name relative to it (`fstatat`), its names read once (`readdir`). Adds to `suspects` every
/// tracked path whose stat data differ from its entry's in a field libgit2's diff compares
/// (mode, size, mtime, ctime, inode, owner), that is gone, or that is racily clean (modified in
/// or after the second `index_mtime`, the index file's mtime read before the index); adds to
/// `unknown` every name in those folders the index does not have (".git" at the top aside):
/// untracked or ignored, for the caller to ask about. Returns 0; 1 when only libgit2's whole
/// walk can answer (more than `limit` unknown names, a conflict, a gitlink, a sparse or
/// intent-to-add entry, a tracked file that became a folder or a folder that is gone or became
/// something else, an unreadable folder); -1 when out of memory. With `threads` above 1 the
/// files are `lstat`ed first on that many threads, each a contiguous run of the entries (as
/// git's preload-index does); 0 picks one thread per 2,500 entries, at most one per online
/// processor and 8. The answer does not depend on it.
int agentreplay_worktree_scan(git_index *index, const char *workdir, int64_t index_mtime, size_t limit, size_t threads,
                              agentreplay_paths *suspects, agentreplay_paths *unknown);
/// `agentreplay_worktree_scan` over `count` entries sorted as git sorts them (bytewise by
/// path), each entry's fields as in an index.
int agentreplay_worktree_scan_entries(const git_index_entry *const *entries, size_t count, const char *workdir, int64_t index_mtime,
                                      size_t limit, size_t threads, agentreplay_paths *suspects, agentreplay_paths *unknown);

/// The recording hook's stat cache of a working tree: per tracked file what git's index holds
/// (stat data, blob id, mode, path), sorted as git sorts them, and the id of the tree they make;
/// its own format, with a checksum of its own, not git's SHA-1 over the whole file.
typedef struct {
    /// The file's bytes, which `entries`' paths point into.
    unsigned char *bytes;
    git_index_entry *entries;
    /// `entries[i]`'s address at `i`, for `agentreplay_worktree_scan_entries`.
    const git_index_entry **pointers;
    size_t count;
    git_oid tree;
    /// The file's mtime in whole seconds: an entry as new is racily clean.
    int64_t mtime;
} agentreplay_worktree_cache;
/// Reads the cache at `path`: 0; 1 when there is none or it is not one whole (another format or
/// version, cut short, altered, entries out of order, a path git could not hold, a mode other
/// than a file's); -1 when out of memory.
int agentreplay_worktree_cache_read(const char *path, agentreplay_worktree_cache *out);
void agentreplay_worktree_cache_free(agentreplay_worktree_cache *cache);
/// Writes `count` entries (sorted here when they are not) and `tree` as the cache at `path`,
/// through a file of its own renamed over it: 0; 1, writing nothing, when an entry cannot be
/// cached (a path twice, a conflict, an extended flag, a mode other than a file's); -1 with
/// errno.
int agentreplay_worktree_cache_write(const char *path, const git_index_entry **entries, size_t count, const git_oid *tree);

/// Whether `git add -A` would add nothing for `path` (relative to `workdir`), a name the index
/// does not have: 1 when git's ignore rules cover it (`git_ignore_path_is_ignored`), or when it
/// is a folder holding only such names and folders like it (an empty folder, one of ignored build
/// output); 0 for anything else (a file or symlink not ignored, a nested repository), when more
/// than `budget` names would have to be looked at, or on an error.
int agentreplay_worktree_adds_nothing(git_repository *repo, const char *workdir, const char *path, size_t budget);
/// The files `git add -A` adds under the folder `path` (relative to `workdir`), a name the
/// index does not have that git's ignore rules do not cover: each regular file and symlink at
/// any depth that they do not cover, appended to `files` (paths relative to `workdir`). Returns
/// 0; 1, adding nothing, when only libgit2's whole walk can answer (a nested repository, a
/// FIFO, socket or device, an unreadable folder, more than `budget` names looked at); -1 when
/// out of memory.
int agentreplay_worktree_new_files(git_repository *repo, const char *workdir, const char *path, size_t budget, agentreplay_paths *files);
/// The mtime of `path` in whole seconds (`stat`); 0, or -1 with errno.
int agentreplay_file_mtime(const char *path, int64_t *seconds);

#endif
