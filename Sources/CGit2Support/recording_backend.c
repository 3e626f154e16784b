#include "CGit2Support.h"

#include <stdlib.h>
#include <string.h>

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

int agentreplay_recording_backend_pack(git_buf *pack, git_repository *repo, git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    git_packbuilder *builder = NULL;
    int rc = git_packbuilder_new(&builder, repo);
    if (rc < 0) return rc;
    git_packbuilder_set_threads(builder, 0);  /* as many as there are cores */
    for (size_t i = 0; i < rec->count && rc >= 0; i++) {
        rc = git_packbuilder_insert(builder, &rec->written[i], NULL);
    }
    if (rc >= 0) rc = git_packbuilder_write_buf(pack, builder);
    git_packbuilder_free(builder);
    return rc;
}

size_t agentreplay_recording_backend_count(git_odb_backend *backend) {
    return ((recording_backend *)backend)->count;
}

void agentreplay_recording_backend_forget(git_odb_backend *backend) {
    ((recording_backend *)backend)->count = 0;
}
