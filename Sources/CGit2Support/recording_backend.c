#include "CGit2Support.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha1.h>
#include <mbedtls/version.h>
#include <zlib.h>

#if MBEDTLS_VERSION_MAJOR >= 3
#define sha1_starts mbedtls_sha1_starts
#define sha1_update mbedtls_sha1_update
#define sha1_finish mbedtls_sha1_finish
#else
#define sha1_starts mbedtls_sha1_starts_ret
#define sha1_update mbedtls_sha1_update_ret
#define sha1_finish mbedtls_sha1_finish_ret
#endif

typedef struct {
    git_odb_backend parent;
    git_odb_backend *inner;
    git_oid *written;
    size_t count;
    size_t capacity;
} recording_backend;

static int rec_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    git_odb_backend *inner = ((recording_backend *)backend)->inner;
    return inner->read(out, len, type, inner, id);
}

static int rec_read_header(size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    git_odb_backend *inner = ((recording_backend *)backend)->inner;
    return inner->read_header(len, type, inner, id);
}

static int rec_exists(git_odb_backend *backend, const git_oid *id) {
    git_odb_backend *inner = ((recording_backend *)backend)->inner;
    return inner->exists(inner, id);
}

static int rec_write(git_odb_backend *backend, const git_oid *id, const void *data, size_t len, git_object_t type) {
    recording_backend *rec = (recording_backend *)backend;
    int rc = rec->inner->write(rec->inner, id, data, len, type);
    if (rc < 0) return rc;
    if (rec->count == rec->capacity) {
        size_t capacity = rec->capacity ? rec->capacity * 2 : 1024;
        git_oid *grown = realloc(rec->written, capacity * sizeof(git_oid));
        if (grown == NULL) return -1;
        rec->written = grown;
        rec->capacity = capacity;
    }
    git_oid_cpy(&rec->written[rec->count++], id);
    return 0;
}

static void rec_free(git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    rec->inner->free(rec->inner);
    free(rec->written);
    free(rec);
}

int agentreplay_recording_backend_new(git_odb_backend **out, git_odb_backend *inner) {
    recording_backend *rec = calloc(1, sizeof(recording_backend));
    if (rec == NULL) return -1;
    int rc = git_odb_init_backend(&rec->parent, GIT_ODB_BACKEND_VERSION);
    if (rc < 0) {
        free(rec);
        return rc;
    }
    rec->inner = inner;
    rec->parent.read = rec_read;
    rec->parent.read_header = rec_read_header;
    rec->parent.exists = rec_exists;
    rec->parent.write = rec_write;
    rec->parent.free = rec_free;
    *out = &rec->parent;
    return 0;
}

void agentreplay_recording_backend_forget(git_odb_backend *backend) {
    ((recording_backend *)backend)->count = 0;
}

/* A pack being streamed into the repository's object database: bytes are hashed (the pack's
 * trailer is the SHA-1 of everything before it) and handed to the indexer in 1 MiB blocks. */
typedef struct {
    git_odb_writepack *writer;
    git_indexer_progress progress;
    mbedtls_sha1_context sha;
    unsigned char *block;
    size_t used;
} pack_stream;

static int flush_block(pack_stream *out) {
    if (out->used == 0) return 0;
    int rc = out->writer->append(out->writer, out->block, out->used, &out->progress);
    out->used = 0;
    return rc;
}

static int emit(pack_stream *out, const void *data, size_t len, int hashed) {
    const unsigned char *bytes = data;
    if (hashed && sha1_update(&out->sha, bytes, len) != 0) return -1;
    while (len > 0) {
        size_t room = (1 << 20) - out->used;
        size_t n = len < room ? len : room;
        memcpy(out->block + out->used, bytes, n);
        out->used += n;
        bytes += n;
        len -= n;
        if (out->used == (1 << 20)) {
            int rc = flush_block(out);
            if (rc < 0) return rc;
        }
    }
    return 0;
}

static int emit_object(pack_stream *out, git_odb_backend *inner, const git_oid *id) {
    void *data = NULL;
    size_t len = 0;
    git_object_t type;
    int rc = inner->read(&data, &len, &type, inner, id);
    if (rc < 0) return rc;
    /* The entry header: type and size, 4 bits then 7 bits a byte, high bit "more". */
    unsigned char header[16];
    size_t n = 0, size = len;
    unsigned char c = (unsigned char)((type << 4) | (size & 0x0F));
    size >>= 4;
    while (size) {
        header[n++] = c | 0x80;
        c = size & 0x7F;
        size >>= 7;
    }
    header[n++] = c;
    uLongf bound = compressBound((uLong)len);
    unsigned char *deflated = malloc(bound ? bound : 1);
    if (deflated == NULL) { git_odb_backend_data_free(inner, data); return -1; }
    rc = compress2(deflated, &bound, data, (uLong)len, Z_BEST_SPEED) == Z_OK ? 0 : -1;
    git_odb_backend_data_free(inner, data);
    if (rc == 0) rc = emit(out, header, n, 1);
    if (rc == 0) rc = emit(out, deflated, bound, 1);
    free(deflated);
    return rc;
}

int agentreplay_recording_backend_write_pack(git_odb *destination, git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    if (rec->count == 0) return 0;
    pack_stream out;
    memset(&out, 0, sizeof out);
    out.block = malloc(1 << 20);
    if (out.block == NULL) return -1;
    int rc = git_odb_write_pack(&out.writer, destination, NULL, NULL);
    if (rc < 0) { free(out.block); return rc; }
    mbedtls_sha1_init(&out.sha);
    rc = sha1_starts(&out.sha) == 0 ? 0 : -1;
    unsigned char header[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2,
        (unsigned char)(rec->count >> 24), (unsigned char)(rec->count >> 16),
        (unsigned char)(rec->count >> 8), (unsigned char)rec->count};
    if (rc == 0) rc = emit(&out, header, sizeof header, 1);
    for (size_t i = 0; i < rec->count && rc == 0; i++) rc = emit_object(&out, rec->inner, &rec->written[i]);
    unsigned char trailer[20];
    if (rc == 0) rc = sha1_finish(&out.sha, trailer) == 0 ? 0 : -1;
    if (rc == 0) rc = emit(&out, trailer, sizeof trailer, 0);
    if (rc == 0) rc = flush_block(&out);
    if (rc == 0) rc = out.writer->commit(out.writer, &out.progress);
    out.writer->free(out.writer);
    mbedtls_sha1_free(&out.sha);
    free(out.block);
    return rc;
}
