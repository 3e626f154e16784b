#include "CGit2Support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The stat walk of agentreplay_worktree_scan: each tracked file lstat'ed by its name relative
   to its folder's descriptor (fstatat), not by its full path (libgit2's walk), so the kernel
   resolves one component instead of every component of the working tree's path. It only
   narrows the work: every path it is unsure of is a suspect, and libgit2 decides. */

#if defined(__APPLE__)
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#define CTIME_SEC(st) ((st).st_ctimespec.tv_sec)
#define CTIME_NSEC(st) ((st).st_ctimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#define CTIME_SEC(st) ((st).st_ctim.tv_sec)
#define CTIME_NSEC(st) ((st).st_ctim.tv_nsec)
#endif

#define FULL_WALK 1

/* What lstat found for a tracked file, found ahead by the threads of stat_ahead. */
enum {
    FOUND_NOTHING_YET = 0, /* not looked at: the walk lstats it itself */
    FOUND_CLEAN,
    FOUND_SUSPECT,
    FOUND_GONE,   /* ENOENT or ENOTDIR */
    FOUND_FOLDER, /* a tracked file that became a folder */
    FOUND_ERROR,  /* any other error */
};

typedef struct {
    const git_index_entry *const *entries;
    int64_t index_mtime;
    size_t limit;
    agentreplay_paths *suspects;
    agentreplay_paths *unknown;
    /* One FOUND_ value per entry, or NULL: every file lstat'ed by the walk. */
    const unsigned char *found;
} scan_context;

static int paths_add(agentreplay_paths *paths, const char *prefix, size_t prefix_len, const char *name, size_t name_len) {
    if (paths->count == paths->capacity) {
        size_t capacity = paths->capacity ? paths->capacity * 2 : 32;
        char **grown = realloc(paths->paths, capacity * sizeof(char *));
        if (grown == NULL) return -1;
        paths->paths = grown;
        paths->capacity = capacity;
    }
    char *path = malloc(prefix_len + name_len + 1);
    if (path == NULL) return -1;
    memcpy(path, prefix, prefix_len);
    memcpy(path + prefix_len, name, name_len);
    path[prefix_len + name_len] = 0;
    paths->paths[paths->count++] = path;
    return 0;
}

void agentreplay_paths_free(agentreplay_paths *paths) {
    for (size_t i = 0; i < paths->count; i++) free(paths->paths[i]);
    free(paths->paths);
    paths->paths = NULL;
    paths->count = paths->capacity = 0;
}

/* The mode git records for what lstat found (git_futils_canonical_mode); 0 for a folder or
   anything else git does not track as a file. */
static uint32_t canonical_mode(mode_t mode) {
    if (S_ISREG(mode)) return (mode & 0100) ? 0100755 : 0100644;
    if (S_ISLNK(mode)) return 0120000;
    return 0;
}

/* Whether the stat data differ from the entry's in any field libgit2's diff compares (mode,
   size, mtime, ctime, inode, owner), or the file is as new as the index (racily clean: git
   cannot tell it from its stat data, libgit2 reads it). */
static int suspect(const git_index_entry *entry, const struct stat *st, int64_t index_mtime) {
    return canonical_mode(st->st_mode) != entry->mode || (uint32_t)st->st_size != entry->file_size ||
           (int32_t)MTIME_SEC(*st) != entry->mtime.seconds || (uint32_t)MTIME_NSEC(*st) != entry->mtime.nanoseconds ||
           (int32_t)CTIME_SEC(*st) != entry->ctime.seconds || (uint32_t)CTIME_NSEC(*st) != entry->ctime.nanoseconds ||
           (uint32_t)st->st_ino != entry->ino || (uint32_t)st->st_uid != entry->uid || (uint32_t)st->st_gid != entry->gid ||
           (int64_t)MTIME_SEC(*st) >= index_mtime;
}

/* What lstat finds for the tracked file `name` of the folder `fd`. */
static unsigned char look(int fd, const char *name, const git_index_entry *entry, int64_t index_mtime) {
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return (errno == ENOENT || errno == ENOTDIR) ? FOUND_GONE : FOUND_ERROR;
    if (S_ISDIR(st.st_mode)) return FOUND_FOLDER;
    return suspect(entry, &st, index_mtime) ? FOUND_SUSPECT : FOUND_CLEAN;
}

/* Entries [lo, hi) of a stat walk done ahead, on threads of their own, as git's preload-index
   does: each thread lstats a contiguous run of the sorted entries, opening each entry's folder
   by its path (once per run of entries in it) and each file by its name there, and keeps only
   what it found. It decides nothing: the walk that follows opens every folder itself, one
   component at a time without following symlinks, reads its names, and takes these answers
   for the files of folders it reached; a folder a thread could not open leaves its files to
   the walk. */
typedef struct {
    const git_index_entry *const *entries;
    size_t lo, hi;
    int root;
    int64_t index_mtime;
    unsigned char *found;
} stat_run;

static void *stat_ahead(void *argument) {
    stat_run *run = argument;
    int fd = -1;
    const char *folder = NULL;
    size_t folder_len = 0;
    char *buffer = NULL;
    size_t capacity = 0;
    for (size_t i = run->lo; i < run->hi; i++) {
        const char *path = run->entries[i]->path;
        const char *slash = strrchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : 0;
        if (folder == NULL || len != folder_len || memcmp(path, folder, len) != 0) {
            if (fd >= 0 && fd != run->root) close(fd);
            folder = path;
            folder_len = len;
            if (len == 0) fd = run->root;
            else {
                if (len + 1 > capacity) {
                    char *grown = realloc(buffer, len + 1);
                    if (grown == NULL) break; /* what is left, the walk lstats itself */
                    buffer = grown;
                    capacity = len + 1;
                }
                memcpy(buffer, path, len);
                buffer[len] = 0;
                fd = openat(run->root, buffer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            }
        }
        if (fd >= 0) run->found[i] = look(fd, slash ? slash + 1 : path, run->entries[i], run->index_mtime);
    }
    if (fd >= 0 && fd != run->root) close(fd);
    free(buffer);
    return NULL;
}

/* The entries split into `threads` runs, lstat'ed ahead: one run on this thread, the others on
   threads of their own. A thread that cannot be started leaves its run to this one. */
static void stat_all_ahead(const git_index_entry *const *entries, size_t count, int root, int64_t index_mtime, size_t threads,
                           unsigned char *found) {
    enum { MOST = 16 };
    if (threads > MOST) threads = MOST;
    stat_run runs[MOST];
    pthread_t ids[MOST];
    int started[MOST] = {0};
    for (size_t t = 0; t < threads; t++) {
        runs[t] = (stat_run){entries, count * t / threads, count * (t + 1) / threads, root, index_mtime, found};
        if (t > 0) started[t] = pthread_create(&ids[t], NULL, stat_ahead, &runs[t]) == 0;
    }
    stat_ahead(&runs[0]);
    for (size_t t = 1; t < threads; t++) {
        if (started[t]) pthread_join(ids[t], NULL);
        else stat_ahead(&runs[t]);
    }
}

/* How many threads lstat the files when the caller leaves it to the scan: one per 2,500
   entries, at most one per online processor and 8. */
static size_t threads_for(size_t count) {
    long processors = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = count / 2500;
    if (processors > 0 && threads > (size_t)processors) threads = (size_t)processors;
    if (threads > 8) threads = 8;
    return threads ? threads : 1;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct {
    char **names;
    unsigned char *seen;
    size_t count;
} folder;

static void folder_free(folder *f) {
    for (size_t i = 0; i < f->count; i++) free(f->names[i]);
    free(f->names);
    free(f->seen);
}

/* The folder `fd` to read with readdir, from its start (the stream's descriptor is a copy,
   which shares its position with `fd`: a read of it before may have left it at the end). */
static DIR *folder_open(int fd) {
    int copy = dup(fd);
    if (copy < 0) return NULL;
    DIR *dir = fdopendir(copy);
    if (dir == NULL) {
        close(copy);
        return NULL;
    }
    rewinddir(dir);
    return dir;
}

static int dots(const char *name) { return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)); }

/* The names in the folder `fd` (not "." or ".."), sorted bytewise. */
static int folder_read(int fd, folder *out) {
    memset(out, 0, sizeof *out);
    DIR *dir = folder_open(fd);
    if (dir == NULL) return -1;
    size_t capacity = 0;
    struct dirent *d;
    int rc = 0;
    errno = 0;
    while ((d = readdir(dir)) != NULL) {
        if (dots(d->d_name)) continue;
        if (out->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            char **grown = realloc(out->names, capacity * sizeof(char *));
            if (grown == NULL) { rc = -1; break; }
            out->names = grown;
        }
        char *name = strdup(d->d_name);
        if (name == NULL) { rc = -1; break; }
        out->names[out->count++] = name;
    }
    if (rc == 0 && errno != 0) rc = -1;
    closedir(dir);
    if (rc == 0) {
        qsort(out->names, out->count, sizeof(char *), compare_names);
        out->seen = calloc(out->count ? out->count : 1, 1);
        if (out->seen == NULL) rc = -1;
    }
    if (rc < 0) folder_free(out);
    return rc;
}

static void folder_mark(folder *f, const char *name, size_t len) {
    size_t lo = 0, hi = f->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(f->names[mid], name, len);
        if (c == 0 && f->names[mid][len] != 0) c = 1;
        if (c == 0) {
            f->seen[mid] = 1;
            return;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
}

/* How many names the folder `fd` holds ("." and ".." aside, and ".git" when `top`); -1 when it
   cannot be read. */
static long folder_count(int fd, int top) {
    DIR *dir = folder_open(fd);
    if (dir == NULL) return -1;
    long count = 0;
    struct dirent *d;
    errno = 0;
    while ((d = readdir(dir)) != NULL) {
        if (dots(d->d_name) || (top && strcmp(d->d_name, ".git") == 0)) continue;
        count++;
    }
    int failed = errno != 0;
    closedir(dir);
    return failed ? -1 : count;
}

/* The names of the folder `fd` that entries [lo, hi) (all under `prefix`) do not account for,
   added to ctx->unknown. */
static int unknown_names(scan_context *ctx, int fd, const char *prefix, size_t prefix_len, size_t lo, size_t hi) {
    folder names;
    if (folder_read(fd, &names) < 0) return FULL_WALK;
    for (size_t i = lo; i < hi; i++) {
        const char *rest = ctx->entries[i]->path + prefix_len;
        const char *slash = strchr(rest, '/');
        folder_mark(&names, rest, slash ? (size_t)(slash - rest) : strlen(rest));
    }
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < names.count; k++) {
        if (names.seen[k]) continue;
        if (prefix_len == 0 && strcmp(names.names[k], ".git") == 0) continue;
        if (ctx->unknown->count >= ctx->limit) rc = FULL_WALK;
        else rc = paths_add(ctx->unknown, prefix, prefix_len, names.names[k], strlen(names.names[k]));
    }
    folder_free(&names);
    return rc;
}

/* Entries [lo, hi) of the index, all under `prefix` (empty, or a folder's path and '/'),
   against the folder `fd`. */
static int scan_folder(scan_context *ctx, int fd, const char *prefix, size_t prefix_len, size_t lo, size_t hi) {
    /* The folder's names are counted, not read: when every tracked name in it is there and
       they are as many as its names, it holds no other (the common case, which spares reading
       and sorting the names); else its names are read and compared. */
    long present = folder_count(fd, prefix_len == 0);
    if (present < 0) return FULL_WALK;
    size_t tracked = 0;
    int gone = 0;
    int rc = 0;
    size_t i = lo;
    while (rc == 0 && i < hi) {
        const git_index_entry *entry = ctx->entries[i];
        const char *rest = entry->path + prefix_len;
        const char *slash = strchr(rest, '/');
        tracked++;
        if (slash == NULL) {
            size_t len = strlen(rest);
            unsigned char found = ctx->found ? ctx->found[i] : FOUND_NOTHING_YET;
            if (found == FOUND_NOTHING_YET) found = look(fd, rest, entry, ctx->index_mtime);
            switch (found) {
            case FOUND_GONE: /* Gone (or a folder above it became a file): a deletion libgit2 confirms. */
                gone = 1;
                rc = paths_add(ctx->suspects, entry->path, prefix_len + len, "", 0);
                break;
            case FOUND_SUSPECT: rc = paths_add(ctx->suspects, entry->path, prefix_len + len, "", 0); break;
            case FOUND_CLEAN: break;
            /* A file that became a folder: its new files are untracked, which only a whole
               walk finds. */
            default: rc = FULL_WALK; break;
            }
            i++;
            continue;
        }
        size_t len = (size_t)(slash - rest);
        size_t j = i + 1;
        while (j < hi && strncmp(ctx->entries[j]->path + prefix_len, rest, len + 1) == 0) j++;
        /* The folder's name without the slash after it: with one, openat would follow a
           symlink that replaced the folder in spite of O_NOFOLLOW. */
        char *sub = malloc(len + 1);
        if (sub == NULL) {
            rc = -1;
            break;
        }
        memcpy(sub, rest, len);
        sub[len] = 0;
        int child = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        free(sub);
        /* Gone, or no longer a folder (a symlink among them): a whole walk sorts out what
           replaced it. */
        if (child < 0) rc = FULL_WALK;
        else {
            rc = scan_folder(ctx, child, entry->path, prefix_len + len + 1, i, j);
            close(child);
        }
        i = j;
    }
    /* Names the index does not have: untracked (or ignored) files and folders. */
    if (rc == 0 && (gone || (size_t)present != tracked)) rc = unknown_names(ctx, fd, prefix, prefix_len, lo, hi);
    return rc;
}

int agentreplay_worktree_scan(git_index *index, const char *workdir, int64_t index_mtime, size_t limit, size_t threads,
                              agentreplay_paths *suspects, agentreplay_paths *unknown) {
    size_t count = git_index_entrycount(index);
    const git_index_entry **entries = malloc((count ? count : 1) * sizeof(git_index_entry *));
    if (entries == NULL) return -1;
    for (size_t i = 0; i < count; i++) {
        const git_index_entry *entry = git_index_get_byindex(index, i);
        if (entry == NULL) {
            free(entries);
            return FULL_WALK;
        }
        entries[i] = entry;
    }
    int rc = agentreplay_worktree_scan_entries(entries, count, workdir, index_mtime, limit, threads, suspects, unknown);
    free(entries);
    return rc;
}

int agentreplay_worktree_scan_entries(const git_index_entry *const *entries, size_t count, const char *workdir, int64_t index_mtime,
                                      size_t limit, size_t threads, agentreplay_paths *suspects, agentreplay_paths *unknown) {
    for (size_t i = 0; i < count; i++) {
        const git_index_entry *entry = entries[i];
        /* Conflicts, gitlinks, sparse, intent-to-add or assume-unchanged entries: libgit2's own
           walk, which leaves the sparse and assume-unchanged ones as the index has them. */
        if (GIT_INDEX_ENTRY_STAGE(entry) != 0 || entry->mode == 0160000 || (entry->flags_extended & GIT_INDEX_ENTRY_EXTENDED_FLAGS) != 0 ||
            (entry->flags & GIT_INDEX_ENTRY_VALID) != 0)
            return FULL_WALK;
    }
    int fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return FULL_WALK;
    if (threads == 0) threads = threads_for(count);
    unsigned char *found = NULL;
    if (threads > 1 && count > 0) {
        found = calloc(count, 1);
        if (found != NULL) stat_all_ahead(entries, count, fd, index_mtime, threads, found);
    }
    scan_context ctx = {entries, index_mtime, limit, suspects, unknown, found};
    int rc = scan_folder(&ctx, fd, "", 0, 0, count);
    close(fd);
    free(found);
    return rc;
}

int agentreplay_file_mtime(const char *path, int64_t *seconds) {
    struct stat st;
    if (stat(path, &st) < 0) return -1;
    *seconds = (int64_t)MTIME_SEC(st);
    return 0;
}

/* The untracked folder `path` (relative to `workdir`, not ignored itself), walked as `git add
   -A` would walk it: each name in it, at any depth, that git's ignore rules do not cover. With
   `files`, each such regular file and symlink is appended to it; without, any is an answer of
   1. Returns 0; 1 when only libgit2's whole walk can answer (a nested repository, a FIFO, socket
   or device, an unreadable folder, more than `*budget` names looked at); -1 when out of
   memory. */
static int walk_untracked(git_repository *repo, const char *workdir, const char *path, size_t *budget, agentreplay_paths *files) {
    size_t workdir_len = strlen(workdir), path_len = strlen(path);
    char *full = malloc(workdir_len + path_len + 2);
    if (full == NULL) return -1;
    memcpy(full, workdir, workdir_len);
    full[workdir_len] = '/';
    memcpy(full + workdir_len + 1, path, path_len + 1);
    int fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(full);
    if (fd < 0) return FULL_WALK;
    folder names;
    if (folder_read(fd, &names) < 0) {
        close(fd);
        return FULL_WALK;
    }
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < names.count; k++) {
        const char *name = names.names[k];
        if (*budget == 0 || strcmp(name, ".git") == 0) {
            rc = FULL_WALK;
            break;
        }
        (*budget)--;
        size_t name_len = strlen(name);
        char *child = malloc(path_len + name_len + 2);
        if (child == NULL) {
            rc = -1;
            break;
        }
        memcpy(child, path, path_len);
        child[path_len] = '/';
        memcpy(child + path_len + 1, name, name_len + 1);
        int ignored = 0;
        struct stat st;
        if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || git_ignore_path_is_ignored(&ignored, repo, child) < 0) rc = FULL_WALK;
        else if (ignored) {
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && files != NULL) rc = paths_add(files, child, path_len + 1 + name_len, "", 0);
        else if (S_ISDIR(st.st_mode)) rc = walk_untracked(repo, workdir, child, budget, files);
        else rc = FULL_WALK; /* a file when only asked whether there is one; a FIFO, a socket, a device */
        free(child);
    }
    folder_free(&names);
    close(fd);
    return rc;
}

int agentreplay_worktree_new_files(git_repository *repo, const char *workdir, const char *path, size_t budget, agentreplay_paths *files) {
    size_t before = files->count;
    int rc = walk_untracked(repo, workdir, path, &budget, files);
    if (rc != 0) {
        /* Nothing half-collected is left behind. */
        while (files->count > before) free(files->paths[--files->count]);
    }
    return rc;
}

int agentreplay_worktree_adds_nothing(git_repository *repo, const char *workdir, const char *path, size_t budget) {
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo, path) < 0) return 0;
    if (ignored) return 1;
    return walk_untracked(repo, workdir, path, &budget, NULL) == 0;
}
