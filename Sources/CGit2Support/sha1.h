#ifndef AGENTREPLAY_SHA1_H
#define AGENTREPLAY_SHA1_H

/* SHA-1 through OpenSSL's low-level functions, not EVP. In OpenSSL 3 a process's first
   EVP_DigestInit_ex fetches the algorithm from its provider (the configuration loaded, the
   method store built): about 4.4 M instructions, an eighth of a clean recording hook's own.
   SHA1_Init and the rest are deprecated in 3.0 but kept, compute the same digest with the same
   code underneath (SHA1_Update is what EVP calls), and fetch nothing. Include this before any
   other OpenSSL header. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <stddef.h>

typedef SHA_CTX agentreplay_sha1;

static inline int agentreplay_sha1_init(agentreplay_sha1 *c) { return SHA1_Init(c) == 1 ? 0 : -1; }

static inline int agentreplay_sha1_update(agentreplay_sha1 *c, const void *data, size_t len) {
    return SHA1_Update(c, data, len) == 1 ? 0 : -1;
}

/* The 20-byte digest into `out`. */
static inline int agentreplay_sha1_final(agentreplay_sha1 *c, unsigned char out[20]) { return SHA1_Final(out, c) == 1 ? 0 : -1; }

#endif
