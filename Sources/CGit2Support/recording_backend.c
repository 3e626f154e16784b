#include "CGit2Support.h"
#include "pack_writer.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

typedef struct {
    git_odb_backend parent;
    git_odb_backend *inner;
    git_oid *written;
    /* Per written object, the object it is a new version of (a tree's previous version at
       the same path), or all zeroes: the base its pack entry may be a delta against. */
    git_oid *bases;
    size_t count;
    size_t capacity;
    /* For `agentreplay_recording_backend_put`: one digest context, reused. */
    EVP_MD_CTX *sha;
} recording_backend;

/* SHA-1 from OpenSSL (libcrypto, which libgit2-dev's own dependencies bring): several times
   faster than libgit2's collision-detecting SHA-1 on CPUs with SHA instructions. */
static const EVP_MD *sha1_method(void) {
    static const EVP_MD *method;
    if (method == NULL) method = EVP_sha1();
    return method;
}

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
        grown = realloc(rec->bases, capacity * sizeof(git_oid));
        if (grown == NULL) return -1;
        rec->bases = grown;
        rec->capacity = capacity;
    }
    memset(&rec->bases[rec->count], 0, sizeof(git_oid));
    git_oid_cpy(&rec->written[rec->count++], id);
    return 0;
}

static void rec_free(git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    rec->inner->free(rec->inner);
    EVP_MD_CTX_free(rec->sha);
    free(rec->written);
    free(rec->bases);
    free(rec);
}

int agentreplay_object_id(git_oid *out, void *context, const void *data, size_t len, git_object_t type) {
    EVP_MD_CTX *sha = context;
    char header[64];
    int n = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), len);
    if (n < 0 || (size_t)n >= sizeof header) return -1;
    unsigned int size = 0;
    unsigned char digest[EVP_MAX_MD_SIZE];
    if (EVP_DigestInit_ex(sha, sha1_method(), NULL) != 1 || EVP_DigestUpdate(sha, header, (size_t)n + 1) != 1 ||
        (len > 0 && EVP_DigestUpdate(sha, data, len) != 1) || EVP_DigestFinal_ex(sha, digest, &size) != 1 || size != 20) {
        git_error_set_str(GIT_ERROR_SHA, "cannot compute an object id (SHA-1)");
        return -1;
    }
    return git_oid_fromraw(out, digest);
}

int agentreplay_recording_backend_put(git_oid *out, git_odb_backend *backend, const void *data, size_t len, git_object_t type) {
    recording_backend *rec = (recording_backend *)backend;
    if (rec->sha == NULL && (rec->sha = EVP_MD_CTX_new()) == NULL) return -1;
    int rc = agentreplay_object_id(out, rec->sha, data, len, type);
    if (rc < 0) return rc;
    if (rec->inner->exists(rec->inner, out)) {
        /* Written before: the same bytes, or two contents with one id (a SHA-1 collision,
           which git's collision detection would catch): compare them. */
        void *held = NULL;
        size_t held_len = 0;
        git_object_t held_type;
        rc = rec->inner->read(&held, &held_len, &held_type, rec->inner, out);
        if (rc < 0) return rc;
        int same = held_type == type && held_len == len && (len == 0 || memcmp(held, data, len) == 0);
        git_odb_backend_data_free(rec->inner, held);
        if (same) return 0;
        git_error_set_str(GIT_ERROR_ODB, "two different objects have the same id (a SHA-1 collision)");
        return -1;
    }
    return rec_write(backend, out, data, len, type);
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

void agentreplay_recording_backend_note_base(git_odb_backend *backend, const git_oid *object, const git_oid *base) {
    recording_backend *rec = (recording_backend *)backend;
    /* Only when `object` was just written through this backend (not already on disk). */
    if (rec->count > 0 && git_oid_equal(&rec->written[rec->count - 1], object)) git_oid_cpy(&rec->bases[rec->count - 1], base);
}

void agentreplay_recording_backend_forget(git_odb_backend *backend) {
    ((recording_backend *)backend)->count = 0;
}

int agentreplay_recording_backend_write_pack_files(const char *pack_dir, git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    return agentreplay_write_pack(pack_dir, rec->inner, rec->written, rec->bases, rec->count);
}
