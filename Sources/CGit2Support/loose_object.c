#include "sha1.h"

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

#include <zlib.h>

/* A loose object as git writes one: "<type> <size>\0" and the content, zlib-deflated (the
   fastest level, as libgit2's loose backend does), in objects/xx/<38 hex digits>, read-only.
   It is written to a file with no name in objects/pack (O_TMPFILE, which the kernel frees if
   the process is killed half-way: a trace is stored before the repository lock is taken, so
   no clean-up would know whose a named leftover is), or where the system cannot, under a
   temporary name there (pack_git2_agentreplay_<pid>_*, which RepositoryLock's clean-up
   removes); then it is linked to its name: link(2) fails on an existing name, so an object
   already there is never replaced and the caller learns whether this call made it. */

typedef struct {
    agentreplay_sha1 sha;
    z_stream zlib;
    int zlib_ready;
    int fd;
    unsigned char out[1 << 16];
} loose_writer;

/* Hashes and deflates `len` bytes; `flush` Z_FINISH for the last piece. */
static int loose_feed(loose_writer *w, const void *data, size_t len, int flush) {
    if (len > 0 && agentreplay_sha1_update(&w->sha, data, len) < 0) return -1;
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

/* The file an object is written to before it has its name: with no name at all where the
   system allows (`temp` is then ""), so a process killed half-way leaves nothing, else a
   named temporary in objects/pack. The descriptor, or -1. */
static int object_temporary(char *temp, size_t size, const char *objects_dir, int *made_temp) {
    char pack_dir[4096];
    temp[0] = '\0';
    if ((size_t)snprintf(pack_dir, sizeof pack_dir, "%s/pack", objects_dir) >= sizeof pack_dir) return -1;
    int fd = agentreplay_anonymous_temporary(pack_dir);
    if (fd >= 0) return fd;
    fd = agentreplay_temporary(temp, size, pack_dir);
    if (fd >= 0) *made_temp = 1;
    return fd;
}

/* Closes the finished object file *fd (read-only) and links it (`temp`, or the anonymous
   file *fd when `temp` is "") to the name `id` gives it; *created tells whether this call
   made it. 0, or -1 (*fd is -1 either way). */
static int link_into_place(int *fd, const char *temp, const char *objects_dir, const git_oid *id, int *created) {
    char final_path[4096];
    int failed = fchmod(*fd, 0444) != 0;
    if (!failed && object_path(final_path, sizeof final_path, objects_dir, id, 1) < 0) failed = 1;
    if (!failed && mkdir(final_path, 0777) != 0 && errno != EEXIST) failed = 1;
    if (!failed && object_path(final_path, sizeof final_path, objects_dir, id, 0) < 0) failed = 1;
    if (!failed) {
        /* An anonymous file is named before it is closed: closing it frees it. */
        int rc = temp[0] == '\0' ? agentreplay_link_anonymous(*fd, final_path) : link(temp, final_path);
        if (rc == 0) {
            *created = 1;
        } else if (errno == EEXIST) {
            *created = 0;
        } else {
            failed = 1;
        }
    }
    if (close(*fd) != 0) failed = 1;
    *fd = -1;
    return failed ? -1 : 0;
}

int agentreplay_write_loose_object(git_oid *out, int *created, const char *objects_dir, const void *data, size_t len,
                                   git_object_t type) {
    loose_writer *w = calloc(1, sizeof(loose_writer));
    char temp[4096];
    if (w == NULL) return -1;
    int rc = -1, made_temp = 0;
    w->fd = -1;
    if ((w->fd = object_temporary(temp, sizeof temp, objects_dir, &made_temp)) < 0) goto done;
    if (agentreplay_sha1_init(&w->sha) < 0) goto done;
    if (deflateInit(&w->zlib, Z_BEST_SPEED) != Z_OK) goto done;
    w->zlib_ready = 1;
    char header[64];
    int n = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), len);
    if (n < 0 || (size_t)n >= sizeof header || loose_feed(w, header, (size_t)n + 1, Z_NO_FLUSH) < 0) goto done;
    if (loose_feed(w, data, len, Z_FINISH) < 0) goto done;
    unsigned char digest[20];
    if (agentreplay_sha1_final(&w->sha, digest) < 0) goto done;
    git_oid_fromraw(out, digest);
    rc = link_into_place(&w->fd, temp, objects_dir, out, created);
done:
    if (w->zlib_ready) deflateEnd(&w->zlib);
    if (w->fd >= 0) close(w->fd);
    if (made_temp) unlink(temp);
    free(w);
    if (rc < 0) git_error_set_str(GIT_ERROR_OS, "cannot write a loose object");
    return rc;
}

/* A blob of a size not known in advance (a run's trace, a hundred megabytes), deflated as its
   pieces come rather than after the last: a loose object's zlib stream begins with the header
   "blob <size>\0", which needs the size. So the content is deflated alone, as a raw deflate
   stream, into one unlinked temporary file, and spooled as it is into another (for the hash,
   which must start with the header too); at the end the object is the zlib header, the
   object's header in one stored block, the content's deflate blocks (a stored block ends on a
   byte, where the content's first block begins; its back-references stay within the content)
   and the Adler-32 of both, combined. git and libgit2 read it as any other loose object. */
struct agentreplay_blob_writer {
    char objects_dir[4096];
    int raw_fd;
    int deflated_fd;
    z_stream zlib;
    int zlib_ready;
    uLong adler;
    size_t size;
    unsigned char out[1 << 16];
};

/* An unlinked temporary file in `objects_dir` (on the repository's file system), or -1. */
static int spool(const char *objects_dir) {
    int anonymous = agentreplay_anonymous_temporary(objects_dir);
    if (anonymous >= 0) return anonymous;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/agentreplay-blob-XXXXXX", objects_dir) >= sizeof path) return -1;
    int fd = mkstemp(path);
    if (fd >= 0) unlink(path);
    return fd;
}

static int blob_deflate(agentreplay_blob_writer *w, const void *data, size_t len, int flush) {
    w->zlib.next_in = (Bytef *)data;
    w->zlib.avail_in = (uInt)len;
    do {
        w->zlib.next_out = w->out;
        w->zlib.avail_out = sizeof w->out;
        if (deflate(&w->zlib, flush) == Z_STREAM_ERROR) return -1;
        if (agentreplay_write_all(w->deflated_fd, w->out, sizeof w->out - w->zlib.avail_out) < 0) return -1;
    } while (w->zlib.avail_out == 0 || w->zlib.avail_in > 0);
    return 0;
}

agentreplay_blob_writer *agentreplay_blob_writer_new(const char *objects_dir) {
    agentreplay_blob_writer *w = calloc(1, sizeof(agentreplay_blob_writer));
    if (w == NULL) return NULL;
    w->raw_fd = w->deflated_fd = -1;
    w->adler = adler32(0L, Z_NULL, 0);
    if ((size_t)snprintf(w->objects_dir, sizeof w->objects_dir, "%s", objects_dir) >= sizeof w->objects_dir ||
        (w->raw_fd = spool(objects_dir)) < 0 || (w->deflated_fd = spool(objects_dir)) < 0 ||
        deflateInit2(&w->zlib, Z_BEST_SPEED, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        agentreplay_blob_writer_free(w);
        return NULL;
    }
    w->zlib_ready = 1;
    return w;
}

int agentreplay_blob_writer_write(agentreplay_blob_writer *w, const void *data, size_t len) {
    if (len == 0) return 0;
    if (agentreplay_write_all(w->raw_fd, data, len) < 0) return -1;
    /* zlib counts in 32 bits: feed a piece of any size in slices. */
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        size_t slice = left < (1u << 30) ? left : (1u << 30);
        w->adler = adler32(w->adler, p, (uInt)slice);
        if (blob_deflate(w, p, slice, Z_NO_FLUSH) < 0) return -1;
        p += slice;
        left -= slice;
    }
    w->size += len;
    return 0;
}

/* Copies `fd` from its start to `to`, feeding `sha` when it is not NULL. */
static int copy_from_start(int fd, int to, agentreplay_sha1 *sha, unsigned char *buffer, size_t size) {
    if (lseek(fd, 0, SEEK_SET) != 0) return -1;
    for (;;) {
        ssize_t got = read(fd, buffer, size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return -1;
        if (got == 0) return 0;
        if (sha != NULL && agentreplay_sha1_update(sha, buffer, (size_t)got) < 0) return -1;
        if (to >= 0 && agentreplay_write_all(to, buffer, (size_t)got) < 0) return -1;
    }
}

int agentreplay_blob_writer_finish(agentreplay_blob_writer *w, git_oid *out, int *created) {
    char temp[4096];
    int rc = -1, fd = -1, made_temp = 0;
    agentreplay_sha1 sha;
    unsigned char *buffer = malloc(1 << 20);
    char header[64];
    int n = snprintf(header, sizeof header, "blob %zu", w->size);
    if (buffer == NULL || n < 0 || (size_t)n >= sizeof header) goto done;
    size_t header_len = (size_t)n + 1;
    if (blob_deflate(w, NULL, 0, Z_FINISH) < 0) goto done;
    /* The id: SHA-1 of the header and the content spooled. */
    if (agentreplay_sha1_init(&sha) < 0 || agentreplay_sha1_update(&sha, header, header_len) < 0 ||
        copy_from_start(w->raw_fd, -1, &sha, buffer, 1 << 20) < 0) goto done;
    unsigned char digest[20];
    if (agentreplay_sha1_final(&sha, digest) < 0) goto done;
    git_oid_fromraw(out, digest);
    /* The object: zlib header (deflate, 32 KiB window, fastest), the header in a stored block
       that is not the last, the content's blocks, the Adler-32 of header and content. */
    if ((fd = object_temporary(temp, sizeof temp, w->objects_dir, &made_temp)) < 0) goto done;
    unsigned char start[7] = {0x78, 0x01, 0x00, (unsigned char)(header_len & 0xff), (unsigned char)(header_len >> 8),
                              (unsigned char)(~header_len & 0xff), (unsigned char)((~header_len >> 8) & 0xff)};
    if (agentreplay_write_all(fd, start, sizeof start) < 0 || agentreplay_write_all(fd, header, header_len) < 0 ||
        copy_from_start(w->deflated_fd, fd, NULL, buffer, 1 << 20) < 0) goto done;
    uLong adler = adler32_combine(adler32(adler32(0L, Z_NULL, 0), (const Bytef *)header, (uInt)header_len), w->adler, (z_off_t)w->size);
    unsigned char trailer[4] = {(unsigned char)(adler >> 24), (unsigned char)(adler >> 16), (unsigned char)(adler >> 8), (unsigned char)adler};
    if (agentreplay_write_all(fd, trailer, sizeof trailer) < 0) goto done;
    rc = link_into_place(&fd, temp, w->objects_dir, out, created);
done:
    if (fd >= 0) close(fd);
    if (made_temp) unlink(temp);
    free(buffer);
    agentreplay_blob_writer_free(w);
    if (rc < 0) git_error_set_str(GIT_ERROR_OS, "cannot write a loose object");
    return rc;
}

void agentreplay_blob_writer_free(agentreplay_blob_writer *w) {
    if (w == NULL) return;
    if (w->zlib_ready) deflateEnd(&w->zlib);
    if (w->raw_fd >= 0) close(w->raw_fd);
    if (w->deflated_fd >= 0) close(w->deflated_fd);
    free(w);
}

int agentreplay_remove_loose_object(const char *objects_dir, const git_oid *id) {
    char path[4096];
    if (object_path(path, sizeof path, objects_dir, id, 0) < 0) return -1;
    if (unlink(path) != 0 && errno != ENOENT) return -1;
    /* The fan-out directory too, when nothing else is in it (rmdir refuses otherwise). */
    if (object_path(path, sizeof path, objects_dir, id, 1) == 0) rmdir(path);
    return 0;
}
