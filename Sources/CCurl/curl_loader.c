#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// The library's file name, with the ABI's major version: what the runtime package
// (libcurl4, or libcurl4t64) installs, not the development package's unversioned libcurl.so.
#define LIBCURL "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *handle);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char load_message[1024];

static int find(void *library, const char *name, void **to) {
    *to = dlsym(library, name);
    if (*to != NULL) return 1;
    snprintf(load_message, sizeof load_message, "%s has no %s: not the libcurl this was built for", LIBCURL, name);
    load_error = load_message;
    return 0;
}

static void load(void) {
    void *library = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(load_message, sizeof load_message,
                 "%s could not be loaded (%s): sending needs libcurl at run time (Debian and Ubuntu: the libcurl4 package)",
                 LIBCURL, why != NULL ? why : "no reason given");
        load_error = load_message;
        return;
    }
    // The library stays loaded for the life of the process: libcurl is not made to be
    // unloaded once initialised.
    if (!find(library, "curl_global_init", (void **)&curl.global_init) ||
        !find(library, "curl_easy_init", (void **)&curl.easy_init) ||
        !find(library, "curl_easy_cleanup", (void **)&curl.easy_cleanup) ||
        !find(library, "curl_easy_setopt", (void **)&curl.easy_setopt) ||
        !find(library, "curl_easy_perform", (void **)&curl.easy_perform) ||
        !find(library, "curl_easy_getinfo", (void **)&curl.easy_getinfo) ||
        !find(library, "curl_easy_strerror", (void **)&curl.easy_strerror) ||
        !find(library, "curl_slist_append", (void **)&curl.slist_append) ||
        !find(library, "curl_slist_free_all", (void **)&curl.slist_free_all))
        return;
    CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_message, sizeof load_message, "%s would not initialise: %s (CURLcode %d)", LIBCURL,
                 curl.easy_strerror(code), (int)code);
        load_error = load_message;
    }
}

const char *agentreplay_curl_load(void) {
    pthread_once(&once, load);
    return load_error;
}

CURL *agentreplay_curl_easy_init(void) { return curl.easy_init(); }

void agentreplay_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }

CURLcode agentreplay_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode agentreplay_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode agentreplay_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode agentreplay_curl_setopt_data_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl.easy_setopt(handle, option, callback);
}

CURLcode agentreplay_curl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }

CURLcode agentreplay_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl.easy_getinfo(handle, info, value);
}

const char *agentreplay_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }

struct curl_slist *agentreplay_curl_slist_append(struct curl_slist *list, const char *text) {
    return curl.slist_append(list, text);
}

void agentreplay_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }
