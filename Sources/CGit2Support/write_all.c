#include "write_all.h"

#include <errno.h>
#include <unistd.h>

int agentreplay_write_all(int fd, const void *data, size_t len) {
    const unsigned char *bytes = data;
    while (len > 0) {
        ssize_t n = write(fd, bytes, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}
