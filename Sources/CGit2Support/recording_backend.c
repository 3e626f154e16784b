#include "CGit2Support.h"

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

/* The pack and its index are written by hand, as git's index-pack would leave them: a pack
   of undeltified entries (zlib, fastest level) and a version-2 .idx built from what was
   written (each entry's offset and CRC-32 are known as it is emitted). libgit2's indexer
   would inflate and hash every object again to learn the same. Both files are made under
   temporary names (pack_git2_*, which the repository lock's clean-up knows) and renamed into
   place, the pack first: a pack without its index is invisible to git. */

typedef struct {
    git_oid id;
    git_oid base;
    uint64_t offset;
    uint32_t crc;
    /* Entries written before this one that its delta chain runs through (0: whole). */
    uint32_t depth;
    int emitted;
} pack_entry;

/* Longest chain of deltas a reader must follow (git's pack.depth default is 50). */
#define MAXIMUM_DELTA_DEPTH 50

/* Deflate streams kept for the whole pack and reset between entries: compress2 would allocate
   and clear a full-size state for each of a run's hundred thousand small objects. Entries up to
   SMALL_ENTRY bytes use a window and hash table sized for them (any valid zlib stream is a
   valid entry); larger ones zlib's defaults. Both at the fastest level. */
#define SMALL_ENTRY 4096

typedef struct {
    int fd;
    z_stream small, large;
    int small_ready, large_ready;
    unsigned char *deflated;
    size_t deflated_capacity;
    EVP_MD_CTX *sha;
    unsigned char *block;
    size_t used;
    uint64_t offset;
} pack_file;

static int write_all(int fd, const unsigned char *bytes, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, bytes, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pack_flush(pack_file *out) {
    int rc = write_all(out->fd, out->block, out->used);
    out->used = 0;
    return rc;
}

static int pack_emit(pack_file *out, const void *data, size_t len) {
    const unsigned char *bytes = data;
    if (EVP_DigestUpdate(out->sha, bytes, len) != 1) return -1;
    out->offset += len;
    while (len > 0) {
        size_t room = (1 << 20) - out->used;
        size_t n = len < room ? len : room;
        memcpy(out->block + out->used, bytes, n);
        out->used += n;
        bytes += n;
        len -= n;
        if (out->used == (1 << 20) && pack_flush(out) < 0) return -1;
    }
    return 0;
}

static size_t put_varint(unsigned char *p, size_t v) {
    size_t n = 0;
    while (v >= 0x80) { p[n++] = (unsigned char)(v | 0x80); v >>= 7; }
    p[n++] = (unsigned char)v;
    return n;
}

/* A git delta from `source` to `target` made of their common prefix and suffix: copy the
   prefix, insert the middle, copy the suffix. A new version of a tree differs from the
   previous one in an entry or two, so this is nearly always a few dozen bytes. Returns the
   delta's length, or 0 when it would not be much smaller than the target itself. */
static size_t prefix_suffix_delta(unsigned char **out, const unsigned char *source, size_t source_len,
                                  const unsigned char *target, size_t target_len) {
    size_t prefix = 0, suffix = 0, shorter = source_len < target_len ? source_len : target_len;
    while (prefix < shorter && source[prefix] == target[prefix]) prefix++;
    while (suffix < shorter - prefix && source[source_len - 1 - suffix] == target[target_len - 1 - suffix]) suffix++;
    size_t middle = target_len - prefix - suffix;
    size_t bound = 20 + middle + middle / 127 + 1 + 2 * 8 * (shorter / 0xFFFFFF + 2);
    if (bound >= target_len / 2) return 0;
    unsigned char *d = malloc(bound), *p = d;
    if (d == NULL) return 0;
    p += put_varint(p, source_len);
    p += put_varint(p, target_len);
    /* Copies of at most 0xFFFFFF bytes each: an opcode, 4 offset bytes, 3 size bytes. */
    size_t copies[2][2] = {{0, prefix}, {source_len - suffix, suffix}};
    for (int c = 0; c < 2; c++) {
        if (c == 1) {
            for (size_t at = prefix; at < prefix + middle;) {
                size_t n = prefix + middle - at < 127 ? prefix + middle - at : 127;
                *p++ = (unsigned char)n;
                memcpy(p, target + at, n);
                p += n;
                at += n;
            }
        }
        for (size_t at = copies[c][0], left = copies[c][1]; left > 0;) {
            size_t n = left < 0xFFFFFF ? left : 0xFFFFFF;
            unsigned char *op = p++;
            *op = 0x80;
            for (int b = 0; b < 4; b++) if ((at >> (8 * b)) & 0xFF) { *op |= (unsigned char)(1 << b); *p++ = (unsigned char)(at >> (8 * b)); }
            for (int b = 0; b < 3; b++) if ((n >> (8 * b)) & 0xFF) { *op |= (unsigned char)(0x10 << b); *p++ = (unsigned char)(n >> (8 * b)); }
            at += n;
            left -= n;
        }
    }
    *out = d;
    return (size_t)(p - d);
}

/* A pack entry's header: type and size, 4 bits then 7 bits a byte, high bit "more". */
static size_t entry_header(unsigned char *header, int type, size_t size) {
    size_t n = 0;
    unsigned char c = (unsigned char)((type << 4) | (size & 0x0F));
    size >>= 4;
    while (size) {
        header[n++] = c | 0x80;
        c = size & 0x7F;
        size >>= 7;
    }
    header[n++] = c;
    return n;
}

/* Deflates `len` bytes of `data` into out->deflated; returns the deflated length, or 0. */
static size_t pack_deflate(pack_file *out, const void *data, size_t len) {
    int small = len <= SMALL_ENTRY;
    z_stream *z = small ? &out->small : &out->large;
    int *ready = small ? &out->small_ready : &out->large_ready;
    if (!*ready) {
        int rc = small ? deflateInit2(z, Z_BEST_SPEED, Z_DEFLATED, 12, 2, Z_DEFAULT_STRATEGY) : deflateInit(z, Z_BEST_SPEED);
        if (rc != Z_OK) return 0;
        *ready = 1;
    } else if (deflateReset(z) != Z_OK) {
        return 0;
    }
    size_t bound = deflateBound(z, (uLong)len);
    if (bound > out->deflated_capacity) {
        unsigned char *grown = realloc(out->deflated, bound);
        if (grown == NULL) return 0;
        out->deflated = grown;
        out->deflated_capacity = bound;
    }
    /* In pieces zlib's 32-bit counts can hold (an object may be larger than 4 GiB). */
    const size_t piece = 1u << 30;
    const unsigned char *in = data;
    size_t in_left = len, produced = 0;
    int rc;
    do {
        size_t in_now = in_left < piece ? in_left : piece;
        size_t room = bound - produced < piece ? bound - produced : piece;
        z->next_in = (Bytef *)in;
        z->avail_in = (uInt)in_now;
        z->next_out = out->deflated + produced;
        z->avail_out = (uInt)room;
        rc = deflate(z, in_now == in_left ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) return 0;
        in += in_now - z->avail_in;
        in_left -= in_now - z->avail_in;
        produced += room - z->avail_out;
    } while (rc != Z_STREAM_END && produced < bound);
    return rc == Z_STREAM_END ? produced : 0;
}

/* `len` bytes of `data` as a zlib stream of stored (uncompressed) deflate blocks, into
   out->deflated (RFC 1950 and 1951: a two-byte header, blocks of at most 65,535 bytes each
   behind its length and the length's complement, the Adler-32 of the data). Returns the
   stream's length, or 0. For the small entries deflating makes no smaller: a delta of a few
   dozen bytes grows under Huffman coding, and zlib spends microseconds on each stream. */
static size_t pack_store(pack_file *out, const void *data, size_t len) {
    size_t blocks = len / 65535 + 1, bound = 2 + blocks * 5 + len + 4;
    if (bound > out->deflated_capacity) {
        unsigned char *grown = realloc(out->deflated, bound);
        if (grown == NULL) return 0;
        out->deflated = grown;
        out->deflated_capacity = bound;
    }
    unsigned char *p = out->deflated;
    const unsigned char *in = data;
    *p++ = 0x78;
    *p++ = 0x01;
    size_t left = len;
    do {
        size_t n = left < 65535 ? left : 65535;
        *p++ = n == left ? 1 : 0;
        p[0] = (unsigned char)n; p[1] = (unsigned char)(n >> 8);
        p[2] = (unsigned char)~n; p[3] = (unsigned char)(~n >> 8);
        p += 4;
        if (n > 0) memcpy(p, in, n);
        p += n;
        in += n;
        left -= n;
    } while (left > 0);
    uLong adler = adler32(1L, Z_NULL, 0);
    for (size_t at = 0; at < len; at += 1u << 30) {
        size_t n = len - at < (1u << 30) ? len - at : (1u << 30);
        adler = adler32(adler, (const Bytef *)data + at, (uInt)n);
    }
    *p++ = (unsigned char)(adler >> 24); *p++ = (unsigned char)(adler >> 16);
    *p++ = (unsigned char)(adler >> 8); *p++ = (unsigned char)adler;
    return (size_t)(p - out->deflated);
}

/* Entries at most this long are stored rather than deflated (see pack_store). */
#define STORED_ENTRY 96

/* Writes `header` and `data` as `entry`, deflated (fastest level) unless `stored` or tiny,
   noting its CRC-32. */
static int emit_entry(pack_file *out, pack_entry *entry, const unsigned char *header, size_t n,
                      const void *data, size_t len, int stored) {
    size_t deflated = stored || len <= STORED_ENTRY ? pack_store(out, data, len) : pack_deflate(out, data, len);
    if (deflated == 0) return -1;
    entry->crc = (uint32_t)crc32(crc32(0L, header, (uInt)n), out->deflated, (uInt)deflated);
    int rc = pack_emit(out, header, n);
    if (rc == 0) rc = pack_emit(out, out->deflated, deflated);
    entry->emitted = 1;
    return rc;
}

static int pack_object(pack_file *out, git_odb_backend *inner, pack_entry *entry, const pack_entry *base) {
    void *data = NULL;
    size_t len = 0;
    git_object_t type;
    int rc = inner->read(&data, &len, &type, inner, &entry->id);
    if (rc < 0) return rc;
    entry->offset = out->offset;
    entry->depth = 0;
    if (base != NULL) {
        /* An OFS_DELTA entry: type 6, the delta's size, the distance back to the base. */
        void *base_data = NULL;
        size_t base_len = 0;
        git_object_t base_type;
        unsigned char *delta = NULL;
        size_t delta_len = 0;
        if (inner->read(&base_data, &base_len, &base_type, inner, &base->id) == 0) {
            if (base_type == type) delta_len = prefix_suffix_delta(&delta, base_data, base_len, data, len);
            git_odb_backend_data_free(inner, base_data);
        }
        if (delta_len > 0) {
            git_odb_backend_data_free(inner, data);
            unsigned char header[32];
            size_t n = entry_header(header, 6, delta_len);
            unsigned char distance[16];
            size_t pos = sizeof distance - 1;
            uint64_t ofs = entry->offset - base->offset;
            distance[pos] = ofs & 127;
            while (ofs >>= 7) distance[--pos] = (unsigned char)(128 | (--ofs & 127));
            memcpy(header + n, distance + pos, sizeof distance - pos);
            n += sizeof distance - pos;
            entry->depth = base->depth + 1;
            rc = emit_entry(out, entry, header, n, delta, delta_len, delta_len <= 4 * STORED_ENTRY);
            free(delta);
            return rc;
        }
    }
    unsigned char header[16];
    size_t n = entry_header(header, type, len);
    rc = emit_entry(out, entry, header, n, data, len, 0);
    git_odb_backend_data_free(inner, data);
    return rc;
}

static int by_id(const void *a, const void *b) {
    return git_oid_cmp(&((const pack_entry *)a)->id, &((const pack_entry *)b)->id);
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* The .idx (version 2) of `entries`, sorted by id, for the pack whose checksum is `pack_sha`. */
static int write_index(int fd, pack_entry *entries, size_t count, const unsigned char pack_sha[20]) {
    size_t large = 0;
    for (size_t i = 0; i < count; i++) if (entries[i].offset >= 0x80000000u) large++;
    size_t len = 8 + 256 * 4 + count * (20 + 4 + 4) + large * 8 + 40;
    unsigned char *idx = calloc(1, len), *p = idx;
    if (idx == NULL) return -1;
    memcpy(p, "\377tOc\0\0\0\2", 8); p += 8;
    size_t at = 0;
    for (int byte = 0; byte < 256; byte++) {
        while (at < count && entries[at].id.id[0] == byte) at++;
        put32(p, (uint32_t)at); p += 4;
    }
    for (size_t i = 0; i < count; i++) { memcpy(p, entries[i].id.id, 20); p += 20; }
    for (size_t i = 0; i < count; i++) { put32(p, entries[i].crc); p += 4; }
    unsigned char *large_table = p + count * 4;
    size_t next_large = 0;
    for (size_t i = 0; i < count; i++) {
        if (entries[i].offset < 0x80000000u) {
            put32(p, (uint32_t)entries[i].offset);
        } else {
            put32(p, 0x80000000u | (uint32_t)next_large);
            put32(large_table + next_large * 8, (uint32_t)(entries[i].offset >> 32));
            put32(large_table + next_large * 8 + 4, (uint32_t)entries[i].offset);
            next_large++;
        }
        p += 4;
    }
    p = large_table + large * 8;
    memcpy(p, pack_sha, 20); p += 20;
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    unsigned int size = 0;
    int rc = sha != NULL && EVP_DigestInit_ex(sha, sha1_method(), NULL) == 1 && EVP_DigestUpdate(sha, idx, (size_t)(p - idx)) == 1 &&
        EVP_DigestFinal_ex(sha, p, &size) == 1 && size == 20 ? 0 : -1;
    EVP_MD_CTX_free(sha);
    if (rc == 0) rc = write_all(fd, idx, len);
    free(idx);
    return rc;
}

static int temporary(char *path, size_t size, const char *pack_dir) {
    if ((size_t)snprintf(path, size, "%s/pack_git2_agentreplay_XXXXXX", pack_dir) >= size) return -1;
    return mkstemp(path);
}

int agentreplay_recording_backend_write_pack_files(const char *pack_dir, git_odb_backend *backend) {
    recording_backend *rec = (recording_backend *)backend;
    if (rec->count == 0) return 0;
    /* Each object once (libgit2 writes an object again when only memory had it), in the
       order written. */
    pack_entry *entries = calloc(rec->count, sizeof(pack_entry));
    pack_entry *sorted = calloc(rec->count, sizeof(pack_entry));
    if (entries == NULL || sorted == NULL) { free(entries); free(sorted); return -1; }
    for (size_t i = 0; i < rec->count; i++) { git_oid_cpy(&sorted[i].id, &rec->written[i]); sorted[i].offset = i; }
    qsort(sorted, rec->count, sizeof(pack_entry), by_id);
    unsigned char *keep = calloc(rec->count, 1);
    if (keep == NULL) { free(entries); free(sorted); return -1; }
    for (size_t i = 0; i < rec->count; i++) {
        size_t first = i;
        while (i + 1 < rec->count && git_oid_equal(&sorted[i + 1].id, &sorted[first].id)) {
            i++;
            if (sorted[i].offset < sorted[first].offset) sorted[first].offset = sorted[i].offset;
        }
        keep[sorted[first].offset] = 1;
    }
    size_t count = 0;
    for (size_t i = 0; i < rec->count; i++) {
        if (!keep[i]) continue;
        git_oid_cpy(&entries[count].id, &rec->written[i]);
        git_oid_cpy(&entries[count].base, &rec->bases[i]);
        count++;
    }
    free(keep);
    /* Where each object stands in the pack's order, by id: a delta's base must come first. */
    for (size_t i = 0; i < count; i++) { git_oid_cpy(&sorted[i].id, &entries[i].id); sorted[i].offset = i; }
    qsort(sorted, count, sizeof(pack_entry), by_id);

    char pack_path[4096], idx_path[4096], final_path[4096];
    pack_file out;
    memset(&out, 0, sizeof out);
    out.fd = temporary(pack_path, sizeof pack_path, pack_dir);
    if (out.fd < 0) { free(entries); free(sorted); return -1; }
    out.block = malloc(1 << 20);
    out.sha = EVP_MD_CTX_new();
    int rc = out.block != NULL && out.sha != NULL && EVP_DigestInit_ex(out.sha, sha1_method(), NULL) == 1 ? 0 : -1;
    unsigned char header[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
    put32(header + 8, (uint32_t)count);
    if (rc == 0) rc = pack_emit(&out, header, sizeof header);
    for (size_t i = 0; i < count && rc == 0; i++) {
        const pack_entry *base = NULL;
        if (!git_oid_is_zero(&entries[i].base)) {
            pack_entry key;
            git_oid_cpy(&key.id, &entries[i].base);
            const pack_entry *found = bsearch(&key, sorted, count, sizeof(pack_entry), by_id);
            if (found != NULL) {
                const pack_entry *candidate = &entries[found->offset];
                if (candidate->emitted && candidate->depth < MAXIMUM_DELTA_DEPTH) base = candidate;
            }
        }
        rc = pack_object(&out, rec->inner, &entries[i], base);
    }
    free(sorted);
    unsigned char pack_sha[20];
    unsigned int pack_sha_size = 0;
    if (rc == 0) rc = EVP_DigestFinal_ex(out.sha, pack_sha, &pack_sha_size) == 1 && pack_sha_size == 20 ? 0 : -1;
    if (rc == 0) rc = pack_flush(&out);
    if (rc == 0) rc = write_all(out.fd, pack_sha, 20);
    EVP_MD_CTX_free(out.sha);
    if (out.small_ready) deflateEnd(&out.small);
    if (out.large_ready) deflateEnd(&out.large);
    free(out.deflated);
    free(out.block);
    if (close(out.fd) != 0) rc = -1;
    int idx_fd = -1;
    if (rc == 0) {
        qsort(entries, count, sizeof(pack_entry), by_id);
        idx_fd = temporary(idx_path, sizeof idx_path, pack_dir);
        rc = idx_fd < 0 ? -1 : write_index(idx_fd, entries, count, pack_sha);
        if (idx_fd >= 0 && close(idx_fd) != 0) rc = -1;
    }
    free(entries);
    char hex[GIT_OID_HEXSZ + 1] = {0};
    if (rc == 0) {
        git_oid name;
        git_oid_fromraw(&name, pack_sha);
        git_oid_fmt(hex, &name);
        rc = chmod(pack_path, 0444) == 0 && chmod(idx_path, 0444) == 0 ? 0 : -1;
    }
    if (rc == 0) {
        snprintf(final_path, sizeof final_path, "%s/pack-%s.pack", pack_dir, hex);
        rc = rename(pack_path, final_path) == 0 ? 0 : -1;
    }
    if (rc == 0) {
        snprintf(final_path, sizeof final_path, "%s/pack-%s.idx", pack_dir, hex);
        rc = rename(idx_path, final_path) == 0 ? 0 : -1;
    }
    if (rc < 0) {
        unlink(pack_path);
        if (idx_fd >= 0) unlink(idx_path);
        git_error_set_str(GIT_ERROR_OS, "cannot write the run's pack");
    }
    return rc;
}
