#ifndef AGENTREPLAY_WRITE_ALL_H
#define AGENTREPLAY_WRITE_ALL_H

#include <stddef.h>

/* Writes all `len` bytes to `fd`, again after a short write or EINTR; 0, or -1 on error. */
int agentreplay_write_all(int fd, const void *bytes, size_t len);

#endif
