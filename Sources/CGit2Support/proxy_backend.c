#include "CGit2Support.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    git_odb_backend parent;
    git_odb *source;
} proxy_backend;

static int copy_object(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, git_odb_object *object) {
    *len = git_odb_object_size(object);
    *type = git_odb_object_type(object);
    *out = git_odb_backend_data_alloc(backend, *len ? *len : 1);
    if (*out == NULL) {
        git_odb_object_free(object);
        return -1;
    }
    memcpy(*out, git_odb_object_data(object), *len);
    git_odb_object_free(object);
    return 0;
}

static int proxy_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    git_odb_object *object = NULL;
    int rc = git_odb_read(&object, ((proxy_backend *)backend)->source, id);
    if (rc < 0) return rc;
    return copy_object(out, len, type, backend, object);
}

static int proxy_read_prefix(git_oid *found, void **out, size_t *len, git_object_t *type,
                             git_odb_backend *backend, const git_oid *prefix, size_t prefix_len) {
    git_odb_object *object = NULL;
    int rc = git_odb_read_prefix(&object, ((proxy_backend *)backend)->source, prefix, prefix_len);
    if (rc < 0) return rc;
    git_oid_cpy(found, git_odb_object_id(object));
    return copy_object(out, len, type, backend, object);
}

static int proxy_read_header(size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    return git_odb_read_header(len, type, ((proxy_backend *)backend)->source, id);
}

/* Existence without a rescan of the pack directory on a miss: the objects replay asks about
 * are mostly ones it is about to write, which the source has never had. */
static int proxy_exists(git_odb_backend *backend, const git_oid *id) {
    return git_odb_exists_ext(((proxy_backend *)backend)->source, id, GIT_ODB_LOOKUP_NO_REFRESH);
}

/* Asked before every write ("is it there already?"): answer from the source without
 * touching it. Found: nothing to write. Not found: the write goes to the memory store. */
static int proxy_freshen(git_odb_backend *backend, const git_oid *id) {
    return proxy_exists(backend, id) ? 0 : GIT_ENOTFOUND;
}

static int proxy_exists_prefix(git_oid *found, git_odb_backend *backend, const git_oid *prefix, size_t prefix_len) {
    return git_odb_exists_prefix(found, ((proxy_backend *)backend)->source, prefix, prefix_len);
}

static void proxy_free(git_odb_backend *backend) {
    proxy_backend *proxy = (proxy_backend *)backend;
    git_odb_free(proxy->source);
    free(proxy);
}

int agentreplay_proxy_backend_new(git_odb_backend **out, git_odb *source) {
    proxy_backend *proxy = calloc(1, sizeof(proxy_backend));
    if (proxy == NULL) return -1;
    int rc = git_odb_init_backend(&proxy->parent, GIT_ODB_BACKEND_VERSION);
    if (rc < 0) {
        free(proxy);
        return rc;
    }
    proxy->source = source;
    proxy->parent.read = proxy_read;
    proxy->parent.read_prefix = proxy_read_prefix;
    proxy->parent.read_header = proxy_read_header;
    proxy->parent.exists = proxy_exists;
    proxy->parent.freshen = proxy_freshen;
    proxy->parent.exists_prefix = proxy_exists_prefix;
    proxy->parent.free = proxy_free;
    *out = &proxy->parent;
    return 0;
}
