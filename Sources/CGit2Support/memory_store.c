#include "sha1.h"

#include "CGit2Support.h"
#include "pack_writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The objects a replay writes, in memory, in the order written. A new version of an object
   (a file after an edit, a directory after a change below it) is kept as the part that
   differs from the version before — common prefix and suffix taken from it — so a file
   edited twenty thousand times does not hold twenty thousand whole copies. A read puts the
   object back together through its chain of versions, at most MAXIMUM_CHAIN long. */

#define MAXIMUM_CHAIN 8
#define NONE SIZE_MAX

typedef struct {
    git_oid id;
    /* The object this one is a new version of, when the store holds it (else zeroes). */
    git_oid base_id;
    git_object_t type;
    size_t size;
    /* The whole object, or, when `base` is not NONE, the bytes between the prefix and the
       suffix it shares with `base`. */
    unsigned char *bytes;
    size_t base;
    size_t prefix, suffix;
    unsigned depth;
} stored_object;

typedef struct {
    git_odb_backend parent;
    stored_object *objects;
    size_t count, capacity;
    /* Open addressing: indices into `objects` (NONE: empty), a power of two long. */
    size_t *slots;
    size_t slot_count;
} memory_store;

static size_t slot_of(const memory_store *store, const git_oid *id) {
    uint64_t h;
    memcpy(&h, id->id, sizeof h);
    return (size_t)h & (store->slot_count - 1);
}

static size_t find(const memory_store *store, const git_oid *id) {
    if (store->slot_count == 0) return NONE;
    for (size_t s = slot_of(store, id);; s = (s + 1) & (store->slot_count - 1)) {
        size_t i = store->slots[s];
        if (i == NONE) return NONE;
        if (git_oid_equal(&store->objects[i].id, id)) return i;
    }
}

static int grow_slots(memory_store *store) {
    size_t count = store->slot_count ? store->slot_count * 2 : 4096;
    size_t *slots = malloc(count * sizeof(size_t));
    if (slots == NULL) return -1;
    for (size_t s = 0; s < count; s++) slots[s] = NONE;
    free(store->slots);
    store->slots = slots;
    store->slot_count = count;
    for (size_t i = 0; i < store->count; i++) {
        size_t s = slot_of(store, &store->objects[i].id);
        while (slots[s] != NONE) s = (s + 1) & (count - 1);
        slots[s] = i;
    }
    return 0;
}

/* The whole object `index` into `out` (its `size` bytes); 0, or -1 when memory ran out. */
static int assemble(const memory_store *store, size_t index, unsigned char *out) {
    const stored_object *o = &store->objects[index];
    if (o->base == NONE) {
        memcpy(out, o->bytes, o->size);
        return 0;
    }
    /* The base's bytes, then the middle and suffix put in place: the prefix is the base's. */
    const stored_object *base = &store->objects[o->base];
    size_t middle = o->size - o->prefix - o->suffix;
    if (base->size <= o->size) {
        if (assemble(store, o->base, out) < 0) return -1;
        memmove(out + o->size - o->suffix, out + base->size - o->suffix, o->suffix);
    } else {
        unsigned char *whole = malloc(base->size);
        if (whole == NULL || assemble(store, o->base, whole) < 0) {
            free(whole);
            return -1;
        }
        memcpy(out, whole, o->prefix);
        memcpy(out + o->size - o->suffix, whole + base->size - o->suffix, o->suffix);
        free(whole);
    }
    memcpy(out + o->prefix, o->bytes, middle);
    return 0;
}

static int store_read(void **out, size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    memory_store *store = (memory_store *)backend;
    size_t i = find(store, id);
    if (i == NONE) return GIT_ENOTFOUND;
    stored_object *o = &store->objects[i];
    unsigned char *data = git_odb_backend_data_alloc(backend, o->size ? o->size : 1);
    if (data == NULL) return -1;
    if (assemble(store, i, data) < 0) {
        git_odb_backend_data_free(backend, data);
        git_error_set_oom();
        return -1;
    }
    *out = data;
    *len = o->size;
    *type = o->type;
    return 0;
}

static int store_read_header(size_t *len, git_object_t *type, git_odb_backend *backend, const git_oid *id) {
    memory_store *store = (memory_store *)backend;
    size_t i = find(store, id);
    if (i == NONE) return GIT_ENOTFOUND;
    *len = store->objects[i].size;
    *type = store->objects[i].type;
    return 0;
}

static int store_exists(git_odb_backend *backend, const git_oid *id) {
    return find((memory_store *)backend, id) != NONE;
}

/* Keeps `data` as object `id`, as the part that differs from `base` when that is much
   smaller. */
static int keep(memory_store *store, const git_oid *id, const void *data, size_t len, git_object_t type, size_t base) {
    if (store->count == store->capacity) {
        size_t capacity = store->capacity ? store->capacity * 2 : 4096;
        stored_object *grown = realloc(store->objects, capacity * sizeof(stored_object));
        if (grown == NULL) return -1;
        store->objects = grown;
        store->capacity = capacity;
    }
    if ((store->count + 1) * 2 > store->slot_count && grow_slots(store) < 0) return -1;
    stored_object o;
    memset(&o, 0, sizeof o);
    git_oid_cpy(&o.id, id);
    o.type = type;
    o.size = len;
    o.base = NONE;
    /* The pack may store it as a delta against its previous version, whatever is kept here. */
    if (base != NONE && store->objects[base].type == type) git_oid_cpy(&o.base_id, &store->objects[base].id);
    if (base != NONE && store->objects[base].type == type && store->objects[base].depth < MAXIMUM_CHAIN) {
        const stored_object *b = &store->objects[base];
        unsigned char *whole = malloc(b->size ? b->size : 1);
        if (whole == NULL || assemble(store, base, whole) < 0) {
            free(whole);
            return -1;
        }
        const unsigned char *target = data;
        size_t prefix = 0, suffix = 0, shorter = b->size < len ? b->size : len;
        while (prefix < shorter && whole[prefix] == target[prefix]) prefix++;
        while (suffix < shorter - prefix && whole[b->size - 1 - suffix] == target[len - 1 - suffix]) suffix++;
        free(whole);
        if (prefix + suffix >= len / 2 && prefix + suffix > 64) {
            o.base = base;
            o.prefix = prefix;
            o.suffix = suffix;
            o.depth = b->depth + 1;
        }
    }
    size_t kept = o.base == NONE ? len : len - o.prefix - o.suffix;
    o.bytes = malloc(kept ? kept : 1);
    if (o.bytes == NULL) return -1;
    memcpy(o.bytes, (const unsigned char *)data + (o.base == NONE ? 0 : o.prefix), kept);
    size_t s = slot_of(store, id);
    while (store->slots[s] != NONE) s = (s + 1) & (store->slot_count - 1);
    store->slots[s] = store->count;
    store->objects[store->count++] = o;
    return 0;
}

static int store_write(git_odb_backend *backend, const git_oid *id, const void *data, size_t len, git_object_t type) {
    memory_store *store = (memory_store *)backend;
    if (find(store, id) != NONE) return 0;
    return keep(store, id, data, len, type, NONE);
}

void agentreplay_memory_store_reset(git_odb_backend *backend) {
    memory_store *store = (memory_store *)backend;
    for (size_t i = 0; i < store->count; i++) free(store->objects[i].bytes);
    store->count = 0;
    for (size_t s = 0; s < store->slot_count; s++) store->slots[s] = NONE;
}

static void store_free(git_odb_backend *backend) {
    memory_store *store = (memory_store *)backend;
    agentreplay_memory_store_reset(backend);
    free(store->objects);
    free(store->slots);
    free(store);
}

int agentreplay_memory_store_new(git_odb_backend **out) {
    memory_store *store = calloc(1, sizeof(memory_store));
    if (store == NULL) return -1;
    int rc = git_odb_init_backend(&store->parent, GIT_ODB_BACKEND_VERSION);
    if (rc < 0) {
        free(store);
        return rc;
    }
    store->parent.read = store_read;
    store->parent.read_header = store_read_header;
    store->parent.exists = store_exists;
    store->parent.write = store_write;
    store->parent.free = store_free;
    *out = &store->parent;
    return 0;
}

int agentreplay_object_id(git_oid *out, const void *data, size_t len, git_object_t type) {
    agentreplay_sha1 sha;
    char header[64];
    int n = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), len);
    if (n < 0 || (size_t)n >= sizeof header) return -1;
    unsigned char digest[20];
    if (agentreplay_sha1_init(&sha) < 0 || agentreplay_sha1_update(&sha, header, (size_t)n + 1) < 0 ||
        (len > 0 && agentreplay_sha1_update(&sha, data, len) < 0) || agentreplay_sha1_final(&sha, digest) < 0) {
        git_error_set_str(GIT_ERROR_SHA, "cannot compute an object id (SHA-1)");
        return -1;
    }
    return git_oid_fromraw(out, digest);
}

int agentreplay_memory_store_put(git_oid *out, git_odb_backend *backend, const void *data, size_t len, git_object_t type,
                                 const git_oid *previous) {
    memory_store *store = (memory_store *)backend;
    int rc = agentreplay_object_id(out, data, len, type);
    if (rc < 0) return rc;
    size_t held = find(store, out);
    if (held != NONE) {
        /* Written before: the same bytes, or two contents with one id (a SHA-1 collision,
           which git's collision detection would catch): compare them. */
        const stored_object *o = &store->objects[held];
        int same = o->type == type && o->size == len;
        if (same && len > 0) {
            unsigned char *whole = malloc(len);
            if (whole == NULL || assemble(store, held, whole) < 0) {
                free(whole);
                return -1;
            }
            same = memcmp(whole, data, len) == 0;
            free(whole);
        }
        if (same) return 0;
        git_error_set_str(GIT_ERROR_ODB, "two different objects have the same id (a SHA-1 collision)");
        return -1;
    }
    size_t base = previous != NULL ? find(store, previous) : NONE;
    return keep(store, out, data, len, type, base);
}

static int held_delta(git_odb_backend *backend, const git_oid *id, const git_oid *base, agentreplay_delta_part *part) {
    memory_store *store = (memory_store *)backend;
    size_t i = find(store, id);
    if (i == NONE) return 0;
    const stored_object *o = &store->objects[i];
    if (o->base == NONE || !git_oid_equal(&store->objects[o->base].id, base)) return 0;
    part->base_size = store->objects[o->base].size;
    part->size = o->size;
    part->prefix = o->prefix;
    part->suffix = o->suffix;
    part->middle = o->bytes;
    return 1;
}

int agentreplay_memory_store_write_pack(const char *pack_dir, git_odb_backend *backend) {
    memory_store *store = (memory_store *)backend;
    if (store->count == 0) return 0;
    git_oid *ids = malloc(store->count * sizeof(git_oid));
    git_oid *bases = calloc(store->count, sizeof(git_oid));
    if (ids == NULL || bases == NULL) {
        free(ids);
        free(bases);
        return -1;
    }
    for (size_t i = 0; i < store->count; i++) {
        git_oid_cpy(&ids[i], &store->objects[i].id);
        git_oid_cpy(&bases[i], &store->objects[i].base_id);
    }
    int rc = agentreplay_write_pack(pack_dir, backend, held_delta, ids, bases, store->count);
    free(ids);
    free(bases);
    return rc;
}

size_t agentreplay_memory_store_count(git_odb_backend *backend) { return ((memory_store *)backend)->count; }

int agentreplay_memory_store_write_loose(const char *objects_dir, git_odb_backend *backend) {
    memory_store *store = (memory_store *)backend;
    for (size_t i = 0; i < store->count; i++) {
        const stored_object *o = &store->objects[i];
        unsigned char *data = malloc(o->size ? o->size : 1);
        if (data == NULL || assemble(store, i, data) < 0) {
            free(data);
            git_error_set_oom();
            return -1;
        }
        git_oid id;
        int created;
        int rc = agentreplay_write_loose_object(&id, &created, objects_dir, data, o->size, o->type);
        free(data);
        if (rc < 0) return rc;
    }
    return 0;
}
