#include "sha1.h"

#include "pack_writer.h"
#include "temporary.h"
#include "write_all.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

/* The pack and its index are written by hand, as git's index-pack would leave them: a pack of
   entries (zlib) and a version-2 .idx built from what was written (each entry's offset and
   CRC-32 are known as it is emitted). libgit2's indexer would inflate and hash every object
   again to learn the same. Both files are made under temporary names (pack_git2_agentreplay_<pid>_*, which the
   repository lock's clean-up knows) and renamed into place, the pack first: a pack without its
   index is invisible to git.

   Entries go in windows of a few thousand, each in three steps: planned in order (the object
   read, a delta against its previous version made when that one is in the pack already and
   its chain is short enough), compressed on two threads (each entry is its own zlib stream,
   so the bytes do not depend on which thread made them), then written in order (offsets,
   delta distances, CRC-32s). A window holds at most WINDOW_BYTES of planned entries. */

#define WINDOW_ENTRIES 4096
#define WINDOW_BYTES (64u << 20)

/* Longest chain of deltas a reader must follow (git's pack.depth default is 50). */
#define MAXIMUM_DELTA_DEPTH 50

/* Entries up to TINY_ENTRY and up to SMALL_ENTRY bytes are deflated with a window and hash
   table sized for them (any valid zlib stream is a valid entry), larger ones with zlib's
   defaults; all at the fastest level. A stream's memory level also sets how many symbols a
   deflate block holds (1 << (level + 6)): memory level 2 (256 symbols, a 1 KB hash table to
   clear between entries) suits the tiny ones, but cuts a 4 KB tree of a hundred entries into
   a dozen blocks, each with Huffman tables of its own to build; memory level 6 holds any
   small entry in one block (4,096 symbols, a 16 KB hash table). On such a tree: 81 -> 29 us,
   2,594 -> 2,441 bytes. Entries of at most STORED_ENTRY bytes, and deltas up to
   4 * STORED_ENTRY, are stored (see pack_store). */
#define TINY_ENTRY 256
#define SMALL_ENTRY 4096
#define STORED_ENTRY 96

#define NO_BASE SIZE_MAX

typedef struct {
    git_oid id;
    git_oid base;
    uint64_t offset;
    uint32_t crc;
    /* Entries written before this one that its delta chain runs through (0: whole). */
    uint32_t depth;
    int planned;
    /* Planned: the entry's type (1-4, or 6 for a delta), the size its header names, the base
       entry of a delta, the bytes to compress, then compressed. */
    int type;
    size_t size;
    size_t base_index;
    unsigned char *payload;
    int payload_from_git;
    int stored;
    unsigned char *compressed;
    size_t compressed_len;
} pack_entry;

typedef struct {
    int fd;
    agentreplay_sha1 sha;
    unsigned char *block;
    size_t used;
    uint64_t offset;
} pack_file;

/* Deflate streams kept for the whole pack and reset between entries: compress2 would allocate
   and clear a full-size state for each of a run's hundred thousand small objects. One per
   thread. */
typedef struct {
    z_stream tiny, small, large;
    int tiny_ready, small_ready, large_ready;
} compressor;

static int pack_flush(pack_file *out) {
    int rc = agentreplay_write_all(out->fd, out->block, out->used);
    out->used = 0;
    return rc;
}

static int pack_emit(pack_file *out, const void *data, size_t len) {
    const unsigned char *bytes = data;
    if (agentreplay_sha1_update(&out->sha, bytes, len) < 0) return -1;
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

/* A git delta from a source of `source_len` bytes to a target of `target_len` bytes that
   shares the source's first `prefix` and last `suffix` bytes and holds `middle` between them:
   copy the prefix, insert the middle, copy the suffix. Returns the delta's length, or 0 when
   it would not be much smaller than the target itself. */
static size_t encode_delta(unsigned char **out, size_t source_len, size_t target_len, size_t prefix, size_t suffix,
                           const unsigned char *middle_bytes) {
    size_t shorter = source_len < target_len ? source_len : target_len;
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
            for (size_t at = 0; at < middle;) {
                size_t n = middle - at < 127 ? middle - at : 127;
                *p++ = (unsigned char)n;
                memcpy(p, middle_bytes + at, n);
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

/* A git delta from `source` to `target` made of their common prefix and suffix. A new version
   of a tree differs from the previous one in an entry or two, a file after an edit in a few
   lines, so this is nearly always a few dozen bytes. */
static size_t prefix_suffix_delta(unsigned char **out, const unsigned char *source, size_t source_len,
                                  const unsigned char *target, size_t target_len) {
    size_t prefix = 0, suffix = 0, shorter = source_len < target_len ? source_len : target_len;
    while (prefix < shorter && source[prefix] == target[prefix]) prefix++;
    while (suffix < shorter - prefix && source[source_len - 1 - suffix] == target[target_len - 1 - suffix]) suffix++;
    return encode_delta(out, source_len, target_len, prefix, suffix, target + prefix);
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

/* `len` bytes of `data` deflated (fastest level) into a new buffer; its length, or 0. */
static size_t pack_deflate(compressor *c, const void *data, size_t len, unsigned char **out) {
    int tiny = len <= TINY_ENTRY, small = len <= SMALL_ENTRY;
    z_stream *z = tiny ? &c->tiny : small ? &c->small : &c->large;
    int *ready = tiny ? &c->tiny_ready : small ? &c->small_ready : &c->large_ready;
    if (!*ready) {
        int rc = small ? deflateInit2(z, Z_BEST_SPEED, Z_DEFLATED, 12, tiny ? 2 : 6, Z_DEFAULT_STRATEGY)
                       : deflateInit(z, Z_BEST_SPEED);
        if (rc != Z_OK) return 0;
        *ready = 1;
    } else if (deflateReset(z) != Z_OK) {
        return 0;
    }
    size_t bound = deflateBound(z, (uLong)len);
    unsigned char *buffer = malloc(bound);
    if (buffer == NULL) return 0;
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
        z->next_out = buffer + produced;
        z->avail_out = (uInt)room;
        rc = deflate(z, in_now == in_left ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) break;
        in += in_now - z->avail_in;
        in_left -= in_now - z->avail_in;
        produced += room - z->avail_out;
    } while (rc != Z_STREAM_END && produced < bound);
    if (rc != Z_STREAM_END) {
        free(buffer);
        return 0;
    }
    *out = buffer;
    return produced;
}

/* `len` bytes of `data` as a zlib stream of stored (uncompressed) deflate blocks, in a new
   buffer (RFC 1950 and 1951: a two-byte header, blocks of at most 65,535 bytes each behind
   its length and the length's complement, the Adler-32 of the data); its length, or 0. For
   the small entries deflating makes no smaller: a delta of a few dozen bytes grows under
   Huffman coding, and zlib spends microseconds on each stream. */
static size_t pack_store(const void *data, size_t len, unsigned char **out) {
    size_t blocks = len / 65535 + 1, bound = 2 + blocks * 5 + len + 4;
    unsigned char *buffer = malloc(bound), *p = buffer;
    if (buffer == NULL) return 0;
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
    *out = buffer;
    return (size_t)(p - buffer);
}

static void release_payload(git_odb_backend *source, pack_entry *entry) {
    if (entry->payload == NULL) return;
    if (entry->payload_from_git) git_odb_backend_data_free(source, entry->payload);
    else free(entry->payload);
    entry->payload = NULL;
}

/* Plans entry `index` as `delta` (its `delta_len` bytes, now the entry's) against `base`. */
static void plan_delta(pack_entry *entries, size_t index, size_t base, unsigned char *delta, size_t delta_len) {
    pack_entry *entry = &entries[index];
    entry->type = 6;
    entry->size = delta_len;
    entry->base_index = base;
    entry->depth = entries[base].depth + 1;
    entry->payload = delta;
    entry->payload_from_git = 0;
    entry->stored = delta_len <= 4 * STORED_ENTRY;
    entry->planned = 1;
}

/* Plans `entry`: read from `source`, a delta against `entries[base]` when that helps. When
   `held` says the source keeps the entry as the part that differs from that base, the delta
   is made from that part, without reading either object whole. */
static int plan_entry(git_odb_backend *source, agentreplay_held_delta held, pack_entry *entries, size_t index, size_t base) {
    pack_entry *entry = &entries[index];
    if (base != NO_BASE && held != NULL) {
        agentreplay_delta_part part;
        if (held(source, &entry->id, &entries[base].id, &part)) {
            unsigned char *delta = NULL;
            size_t delta_len = encode_delta(&delta, part.base_size, part.size, part.prefix, part.suffix, part.middle);
            if (delta_len > 0) {
                plan_delta(entries, index, base, delta, delta_len);
                return 0;
            }
        }
    }
    void *data = NULL;
    size_t len = 0;
    git_object_t type;
    int rc = source->read(&data, &len, &type, source, &entry->id);
    if (rc < 0) return rc;
    entry->depth = 0;
    entry->base_index = NO_BASE;
    if (base != NO_BASE) {
        void *base_data = NULL;
        size_t base_len = 0;
        git_object_t base_type;
        unsigned char *delta = NULL;
        size_t delta_len = 0;
        if (source->read(&base_data, &base_len, &base_type, source, &entries[base].id) == 0) {
            if (base_type == type) delta_len = prefix_suffix_delta(&delta, base_data, base_len, data, len);
            git_odb_backend_data_free(source, base_data);
        }
        if (delta_len > 0) {
            git_odb_backend_data_free(source, data);
            plan_delta(entries, index, base, delta, delta_len);
            return 0;
        }
    }
    entry->type = type;
    entry->size = len;
    entry->payload = data;
    entry->payload_from_git = 1;
    entry->stored = len <= STORED_ENTRY;
    entry->planned = 1;
    return 0;
}

/* The compression step of one window, shared by its two threads. */
typedef struct {
    pack_entry *entries;
    size_t first, end;
    atomic_size_t next;
    atomic_int failed;
} window_work;

typedef struct {
    window_work *work;
    compressor *compressor;
} worker;

static void *compress_entries(void *argument) {
    worker *w = argument;
    window_work *work = w->work;
    for (;;) {
        size_t start = atomic_fetch_add(&work->next, 16);
        if (start >= work->end || atomic_load(&work->failed)) break;
        size_t stop = start + 16 < work->end ? start + 16 : work->end;
        for (size_t i = start; i < stop; i++) {
            pack_entry *e = &work->entries[i];
            e->compressed_len = e->stored ? pack_store(e->payload, e->size, &e->compressed)
                                          : pack_deflate(w->compressor, e->payload, e->size, &e->compressed);
            if (e->compressed_len == 0) atomic_store(&work->failed, 1);
        }
    }
    return NULL;
}

/* Writes a planned and compressed entry at the pack's current offset. */
static int emit_entry(pack_file *out, pack_entry *entries, size_t index) {
    pack_entry *entry = &entries[index];
    entry->offset = out->offset;
    unsigned char header[32];
    size_t n = entry_header(header, entry->type, entry->size);
    if (entry->type == 6) {
        /* An OFS_DELTA entry: the distance back to the base, in git's offset encoding. */
        unsigned char distance[16];
        size_t pos = sizeof distance - 1;
        uint64_t ofs = entry->offset - entries[entry->base_index].offset;
        distance[pos] = ofs & 127;
        while (ofs >>= 7) distance[--pos] = (unsigned char)(128 | (--ofs & 127));
        memcpy(header + n, distance + pos, sizeof distance - pos);
        n += sizeof distance - pos;
    }
    uLong crc = crc32(0L, header, (uInt)n);
    for (size_t at = 0; at < entry->compressed_len; at += 1u << 30) {
        size_t piece = entry->compressed_len - at < (1u << 30) ? entry->compressed_len - at : (1u << 30);
        crc = crc32(crc, entry->compressed + at, (uInt)piece);
    }
    entry->crc = (uint32_t)crc;
    int rc = pack_emit(out, header, n);
    if (rc == 0) rc = pack_emit(out, entry->compressed, entry->compressed_len);
    free(entry->compressed);
    entry->compressed = NULL;
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
    agentreplay_sha1 sha;
    int rc = agentreplay_sha1_init(&sha) == 0 && agentreplay_sha1_update(&sha, idx, (size_t)(p - idx)) == 0 &&
        agentreplay_sha1_final(&sha, p) == 0 ? 0 : -1;
    if (rc == 0) rc = agentreplay_write_all(fd, idx, len);
    free(idx);
    return rc;
}

/* Plans, compresses (two threads) and writes entries [first, ...) of one window; returns
   where the next window starts, or 0 on failure (the window is never empty). */
static size_t write_window(pack_file *out, git_odb_backend *source, agentreplay_held_delta held, pack_entry *entries, pack_entry *sorted,
                           size_t count, size_t first, compressor *compressors) {
    size_t end = first, bytes = 0;
    while (end < count && end - first < WINDOW_ENTRIES && (end == first || bytes < WINDOW_BYTES)) {
        size_t base = NO_BASE;
        if (!git_oid_is_zero(&entries[end].base)) {
            pack_entry key;
            git_oid_cpy(&key.id, &entries[end].base);
            const pack_entry *found = bsearch(&key, sorted, count, sizeof(pack_entry), by_id);
            /* The base must come first in the pack (planned before) with a short chain. */
            if (found != NULL && entries[found->offset].planned && entries[found->offset].depth < MAXIMUM_DELTA_DEPTH) base = found->offset;
        }
        if (plan_entry(source, held, entries, end, base) < 0) {
            for (size_t i = first; i < end; i++) release_payload(source, &entries[i]);
            return 0;
        }
        bytes += entries[end].size;
        end++;
    }
    window_work work = {.entries = entries, .first = first, .end = end};
    atomic_init(&work.next, first);
    atomic_init(&work.failed, 0);
    worker workers[2] = {{&work, &compressors[0]}, {&work, &compressors[1]}};
    pthread_t helper;
    int threaded = end - first > 64 && pthread_create(&helper, NULL, compress_entries, &workers[1]) == 0;
    compress_entries(&workers[0]);
    if (threaded) pthread_join(helper, NULL);
    int rc = atomic_load(&work.failed) ? -1 : 0;
    for (size_t i = first; i < end; i++) {
        release_payload(source, &entries[i]);
        if (rc == 0) rc = emit_entry(out, entries, i);
        free(entries[i].compressed);
        entries[i].compressed = NULL;
    }
    return rc == 0 ? end : 0;
}

int agentreplay_write_pack(const char *pack_dir, git_odb_backend *source, agentreplay_held_delta held, const git_oid *ids, const git_oid *bases,
                           size_t total) {
    if (total == 0) return 0;
    /* Each object once (an object may have been written more than once), in the order
       written. */
    pack_entry *entries = calloc(total, sizeof(pack_entry));
    pack_entry *sorted = calloc(total, sizeof(pack_entry));
    if (entries == NULL || sorted == NULL) { free(entries); free(sorted); return -1; }
    for (size_t i = 0; i < total; i++) { git_oid_cpy(&sorted[i].id, &ids[i]); sorted[i].offset = i; }
    qsort(sorted, total, sizeof(pack_entry), by_id);
    unsigned char *keep = calloc(total, 1);
    if (keep == NULL) { free(entries); free(sorted); return -1; }
    for (size_t i = 0; i < total; i++) {
        size_t first = i;
        while (i + 1 < total && git_oid_equal(&sorted[i + 1].id, &sorted[first].id)) {
            i++;
            if (sorted[i].offset < sorted[first].offset) sorted[first].offset = sorted[i].offset;
        }
        keep[sorted[first].offset] = 1;
    }
    size_t count = 0;
    for (size_t i = 0; i < total; i++) {
        if (!keep[i]) continue;
        git_oid_cpy(&entries[count].id, &ids[i]);
        git_oid_cpy(&entries[count].base, &bases[i]);
        count++;
    }
    free(keep);
    /* Where each object stands in the pack's order, by id: a delta's base must come first. */
    for (size_t i = 0; i < count; i++) { git_oid_cpy(&sorted[i].id, &entries[i].id); sorted[i].offset = i; }
    qsort(sorted, count, sizeof(pack_entry), by_id);

    char pack_path[4096], idx_path[4096], final_path[4096];
    pack_file out;
    memset(&out, 0, sizeof out);
    out.fd = agentreplay_temporary(pack_path, sizeof pack_path, pack_dir);
    if (out.fd < 0) { free(entries); free(sorted); return -1; }
    out.block = malloc(1 << 20);
    int rc = out.block != NULL && agentreplay_sha1_init(&out.sha) == 0 ? 0 : -1;
    unsigned char header[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
    put32(header + 8, (uint32_t)count);
    if (rc == 0) rc = pack_emit(&out, header, sizeof header);
    compressor compressors[2];
    memset(compressors, 0, sizeof compressors);
    for (size_t next = 0; rc == 0 && next < count;) {
        next = write_window(&out, source, held, entries, sorted, count, next, compressors);
        if (next == 0) rc = -1;
    }
    for (int c = 0; c < 2; c++) {
        if (compressors[c].tiny_ready) deflateEnd(&compressors[c].tiny);
        if (compressors[c].small_ready) deflateEnd(&compressors[c].small);
        if (compressors[c].large_ready) deflateEnd(&compressors[c].large);
    }
    free(sorted);
    unsigned char pack_sha[20];
    if (rc == 0) rc = agentreplay_sha1_final(&out.sha, pack_sha);
    if (rc == 0) rc = pack_flush(&out);
    if (rc == 0) rc = agentreplay_write_all(out.fd, pack_sha, 20);
    free(out.block);
    if (close(out.fd) != 0) rc = -1;
    int idx_fd = -1;
    if (rc == 0) {
        qsort(entries, count, sizeof(pack_entry), by_id);
        idx_fd = agentreplay_temporary(idx_path, sizeof idx_path, pack_dir);
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
