#ifndef CFINDBYTES_H
#define CFINDBYTES_H

#include <stddef.h>

/// The first occurrence of `needle` in `haystack`, or NULL (glibc's memmem: a two-way search,
/// vectorised, which Swift's Glibc module does not export). A target of its own, so that the
/// tool semantics in Replay do not import libgit2's headers for it.
const void *agentreplay_find_bytes(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);

#endif
