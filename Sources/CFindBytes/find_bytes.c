#define _GNU_SOURCE
#include <string.h>

#include "CFindBytes.h"

const void *agentreplay_find_bytes(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}
