#include "CGit2Support.h"
#include "write_all.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "temporary.h"

#include <openssl/evp.h>
#include <zlib.h>

/* A loose object as git writes one: "<type> <size>\0" and the content, zlib-deflated (the
   fastest level, as libgit2's loose backend does), in objects/xx/<38 hex digits>, read-only.
   It is written under a temporary name in objects/pack (pack_git2_agentreplay_<pid>_*, which
   RepositoryLock's clean-up removes after a process killed half-way) and then linked to its
   name: link(2) fails on an existing name, so an object already there is never replaced and
   the caller learns whether this call made it. */

typedef struct {
    EVP_MD_CTX *sha;
    z_stream zlib;
    int zlib_ready;
    int fd;
    unsigned char out[1 << 16];
} loose_writer;

/* Hashes and deflates `len` bytes; `flush` Z_FINISH for the last piece. */
static int loose_feed(loose_writer *w, const void *data, size_t len, int flush) {
    if (len > 0 && EVP_DigestUpdate(w->sha, data, len) != 1) return -1;
    w->zlib.next_in = (Bytef *)data;
    w->zlib.avail_in = (uInt)len;
    do {
        w->zlib.next_out = w->out;
        w->zlib.avail_out = sizeof w->out;
        int rc = deflate(&w->zlib, flush);
        if (rc == Z_STREAM_ERROR) return -1;
        if (agentreplay_write_all(w->fd, w->out, sizeof w->out - w->zlib.avail_out) < 0) return -1;
    } while (w->zlib.avail_out == 0 || w->zlib.avail_in > 0);
    return 0;
}

static int object_path(char *path, size_t size, const char *objects_dir, const git_oid *id, int directory_only) {
    char hex[GIT_OID_HEXSZ + 1] = {0};
    git_oid_fmt(hex, id);
    int n = directory_only ? snprintf(path, size, "%s/%.2s", objects_dir, hex)
                           : snprintf(path, size, "%s/%.2s/%s", objects_dir, hex, hex + 2);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int agentreplay_write_loose_object(git_oid *out, int *created, const char *objects_dir, int fd, const void *data, size_t len,
                                   git_object_t type) {
    loose_writer *w = calloc(1, sizeof(loose_writer));
    char temp[4096], final_path[4096];
    if (w == NULL) return -1;
    int rc = -1, made_temp = 0;
    w->fd = -1;
    char pack_dir[4096];
    if ((size_t)snprintf(pack_dir, sizeof pack_dir, "%s/pack", objects_dir) >= sizeof pack_dir) goto done;
    if ((w->fd = agentreplay_temporary(temp, sizeof temp, pack_dir)) < 0) goto done;
    made_temp = 1;
    if ((w->sha = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(w->sha, EVP_sha1(), NULL) != 1) goto done;
    if (deflateInit(&w->zlib, Z_BEST_SPEED) != Z_OK) goto done;
    w->zlib_ready = 1;
    char header[64];
    int n = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), len);
    if (n < 0 || (size_t)n >= sizeof header || loose_feed(w, header, (size_t)n + 1, Z_NO_FLUSH) < 0) goto done;
    if (fd < 0) {
        if (loose_feed(w, data, len, Z_FINISH) < 0) goto done;
    } else {
        unsigned char *buffer = malloc(1 << 20);
        if (buffer == NULL) goto done;
        size_t left = len;
        int failed = 0;
        while (left > 0 && !failed) {
            ssize_t got = read(fd, buffer, left < (1 << 20) ? left : (1 << 20));
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) { failed = 1; break; }
            left -= (size_t)got;
            if (loose_feed(w, buffer, (size_t)got, Z_NO_FLUSH) < 0) failed = 1;
        }
        free(buffer);
        if (failed || loose_feed(w, NULL, 0, Z_FINISH) < 0) goto done;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(w->sha, digest, &size) != 1 || size != 20) goto done;
    git_oid_fromraw(out, digest);
    if (fchmod(w->fd, 0444) != 0 || close(w->fd) != 0) { w->fd = -1; goto done; }
    w->fd = -1;
    if (object_path(final_path, sizeof final_path, objects_dir, out, 1) < 0) goto done;
    if (mkdir(final_path, 0777) != 0 && errno != EEXIST) goto done;
    if (object_path(final_path, sizeof final_path, objects_dir, out, 0) < 0) goto done;
    if (link(temp, final_path) == 0) {
        *created = 1;
    } else if (errno == EEXIST) {
        *created = 0;
    } else {
        goto done;
    }
    rc = 0;
done:
    if (w->zlib_ready) deflateEnd(&w->zlib);
    EVP_MD_CTX_free(w->sha);
    if (w->fd >= 0) close(w->fd);
    if (made_temp) unlink(temp);
    free(w);
    if (rc < 0) git_error_set_str(GIT_ERROR_OS, "cannot write a loose object");
    return rc;
}

int agentreplay_remove_loose_object(const char *objects_dir, const git_oid *id) {
    char path[4096];
    if (object_path(path, sizeof path, objects_dir, id, 0) < 0) return -1;
    if (unlink(path) != 0 && errno != ENOENT) return -1;
    /* The fan-out directory too, when nothing else is in it (rmdir refuses otherwise). */
    if (object_path(path, sizeof path, objects_dir, id, 1) == 0) rmdir(path);
    return 0;
}
