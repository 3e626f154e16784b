#include "CGit2Support.h"
#include "write_all.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The recording hook's own stat cache of the working tree (see CGit2Support.h): what git's
   index holds per tracked file, without git's SHA-1 over the whole file (libgit2 1.5 hashes an
   index twice when it reads it and once when it writes it, with its collision-detecting SHA-1:
   about a third of a hook call's instructions on 10,000 files), and the tree of those entries.

   Layout, integers little-endian:
     "agentreplay worktree cache 1\n"  (29 bytes)
     uint64 entry count, uint64 bytes of paths, 20 bytes tree id, 4 zero bytes
     per entry, 64 bytes: ctime s, ns, mtime s, ns, dev, ino, mode, uid, gid, size (uint32
       each), 20 bytes blob id, uint32 path offset, uint32 path length
     the paths, each followed by a NUL
     uint64 checksum (below) of everything before it */

static const char MAGIC[] = "agentreplay worktree cache 2\n";
#define MAGIC_LEN (sizeof(MAGIC) - 1)
#define HEADER_LEN (MAGIC_LEN + 8 + 8 + 20 + 4)
#define RECORD_LEN 64

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static void put64(unsigned char *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* A checksum of `len` bytes against a damaged file: 64-bit words multiplied in (FNV-1a's
   prime, high bits folded back), about 0.4 instructions a byte. zlib's CRC-32 and Adler-32
   take 4 a byte here: 6.6 M instructions of a 72 M dirty call, for a cache read and written. */
static uint64_t checksum(const unsigned char *bytes, size_t len) {
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < len; i++) h = (h ^ bytes[i]) * 0x100000001b3ull;
    return h ^ (h >> 32);
}

void agentreplay_worktree_cache_free(agentreplay_worktree_cache *cache) {
    free(cache->bytes);
    free(cache->entries);
    free(cache->pointers);
    memset(cache, 0, sizeof *cache);
}

/* A path git could hold: not empty, relative, no empty, "." or ".." component. */
static int plausible(const char *path, size_t len) {
    if (len == 0 || path[0] == '/' || path[len - 1] == '/') return 0;
    const char *component = path;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || path[i] == '/') {
            size_t n = (size_t)(path + i - component);
            if (n == 0 || (n == 1 && component[0] == '.') || (n == 2 && component[0] == '.' && component[1] == '.')) return 0;
            component = path + i + 1;
        }
    }
    return 1;
}

int agentreplay_worktree_cache_read(const char *path, agentreplay_worktree_cache *out) {
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return 1;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)(HEADER_LEN + 8)) {
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *bytes = malloc(size);
    if (bytes == NULL) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, bytes + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(fd);
    out->bytes = bytes;
    out->mtime = (int64_t)st.st_mtime;
    /* Whole, ours, not torn or altered. */
    if (got != size || memcmp(bytes, MAGIC, MAGIC_LEN) != 0 ||
        get64(bytes + size - 8) != checksum(bytes, size - 8)) {
        agentreplay_worktree_cache_free(out);
        return 1;
    }
    uint64_t count = get64(bytes + MAGIC_LEN), paths_len = get64(bytes + MAGIC_LEN + 8);
    if (count > (size - HEADER_LEN) / RECORD_LEN || paths_len != size - 8 - HEADER_LEN - count * RECORD_LEN) {
        agentreplay_worktree_cache_free(out);
        return 1;
    }
    memcpy(out->tree.id, bytes + MAGIC_LEN + 16, 20);
    out->entries = calloc(count ? count : 1, sizeof(git_index_entry));
    out->pointers = calloc(count ? count : 1, sizeof(git_index_entry *));
    if (out->entries == NULL || out->pointers == NULL) {
        agentreplay_worktree_cache_free(out);
        return -1;
    }
    const unsigned char *records = bytes + HEADER_LEN;
    const char *paths = (const char *)(records + count * RECORD_LEN);
    for (uint64_t i = 0; i < count; i++) {
        const unsigned char *r = records + i * RECORD_LEN;
        git_index_entry *e = &out->entries[i];
        e->ctime.seconds = (int32_t)get32(r);
        e->ctime.nanoseconds = get32(r + 4);
        e->mtime.seconds = (int32_t)get32(r + 8);
        e->mtime.nanoseconds = get32(r + 12);
        e->dev = get32(r + 16);
        e->ino = get32(r + 20);
        e->mode = get32(r + 24);
        e->uid = get32(r + 28);
        e->gid = get32(r + 32);
        e->file_size = get32(r + 36);
        memcpy(e->id.id, r + 40, 20);
        uint32_t offset = get32(r + 56), len = get32(r + 60);
        /* In the paths, NUL-terminated, plausible, a file's mode, in git's order (bytewise,
           each path once): what the scan takes for granted. */
        if ((uint64_t)offset + len + 1 > paths_len || paths[offset + len] != 0 || memchr(paths + offset, 0, len) != NULL ||
            !plausible(paths + offset, len) || (e->mode != 0100644 && e->mode != 0100755 && e->mode != 0120000) ||
            (i > 0 && strcmp(out->entries[i - 1].path, paths + offset) >= 0)) {
            agentreplay_worktree_cache_free(out);
            return 1;
        }
        e->path = paths + offset;
        out->pointers[i] = e;
    }
    out->count = (size_t)count;
    return 0;
}

static int compare_entries(const void *a, const void *b) {
    return strcmp((*(const git_index_entry *const *)a)->path, (*(const git_index_entry *const *)b)->path);
}

int agentreplay_worktree_cache_write(const char *path, const git_index_entry **entries, size_t count, const git_oid *tree) {
    int sorted = 1;
    for (size_t i = 1; sorted && i < count; i++) sorted = strcmp(entries[i - 1]->path, entries[i]->path) < 0;
    if (!sorted) qsort(entries, count, sizeof *entries, compare_entries);
    size_t paths_len = 0;
    for (size_t i = 0; i < count; i++) {
        /* Files only, each once: a gitlink, a conflict, a sparse, intent-to-add or
           assume-unchanged entry is left to the index. */
        const git_index_entry *e = entries[i];
        if ((i > 0 && strcmp(entries[i - 1]->path, e->path) == 0) || GIT_INDEX_ENTRY_STAGE(e) != 0 ||
            (e->flags_extended & GIT_INDEX_ENTRY_EXTENDED_FLAGS) != 0 || (e->flags & GIT_INDEX_ENTRY_VALID) != 0 ||
            (e->mode != 0100644 && e->mode != 0100755 && e->mode != 0120000))
            return 1;
        paths_len += strlen(e->path) + 1;
    }
    size_t size = HEADER_LEN + count * RECORD_LEN + paths_len + 8;
    if (paths_len > UINT32_MAX) {
        errno = EFBIG;
        return -1;
    }
    unsigned char *bytes = malloc(size);
    if (bytes == NULL) return -1;
    memcpy(bytes, MAGIC, MAGIC_LEN);
    put64(bytes + MAGIC_LEN, count);
    put64(bytes + MAGIC_LEN + 8, paths_len);
    memcpy(bytes + MAGIC_LEN + 16, tree->id, 20);
    memset(bytes + MAGIC_LEN + 36, 0, 4);
    unsigned char *r = bytes + HEADER_LEN;
    char *paths = (char *)(r + count * RECORD_LEN);
    size_t offset = 0;
    for (size_t i = 0; i < count; i++, r += RECORD_LEN) {
        const git_index_entry *e = entries[i];
        put32(r, (uint32_t)e->ctime.seconds);
        put32(r + 4, e->ctime.nanoseconds);
        put32(r + 8, (uint32_t)e->mtime.seconds);
        put32(r + 12, e->mtime.nanoseconds);
        put32(r + 16, e->dev);
        put32(r + 20, e->ino);
        put32(r + 24, e->mode);
        put32(r + 28, e->uid);
        put32(r + 32, e->gid);
        put32(r + 36, e->file_size);
        memcpy(r + 40, e->id.id, 20);
        size_t len = strlen(e->path);
        put32(r + 56, (uint32_t)offset);
        put32(r + 60, (uint32_t)len);
        memcpy(paths + offset, e->path, len + 1);
        offset += len + 1;
    }
    put64(bytes + size - 8, checksum(bytes, size - 8));
    /* A file of its own, then renamed over the cache: a reader finds the old cache or the new
       one, whole; two hooks at once each leave a cache true of the moment it was made. */
    size_t path_len = strlen(path);
    char *temporary = malloc(path_len + 32);
    if (temporary == NULL) {
        free(bytes);
        return -1;
    }
    snprintf(temporary, path_len + 32, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -1 : 0;
    if (rc == 0) {
        rc = agentreplay_write_all(fd, bytes, size);
        if (close(fd) < 0) rc = -1;
        if (rc == 0) rc = rename(temporary, path);
        if (rc < 0) {
            int saved = errno;
            unlink(temporary);
            errno = saved;
        }
    }
    free(temporary);
    free(bytes);
    return rc < 0 ? -1 : 0;
}
