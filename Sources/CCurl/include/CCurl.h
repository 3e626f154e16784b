#ifndef CCURL_H
#define CCURL_H

// libcurl's types and constants, from its development headers (libcurl4-openssl-dev). The
// library itself is not linked: agentreplay_curl_load opens libcurl.so.4 the first time a
// send happens, so that a process that sends nothing never maps libcurl and the thirty
// libraries it depends on (TLS, Kerberos, LDAP, IDN…).
#include <curl/curl.h>

/// Opens libcurl.so.4 (once, for the life of the process), finds the functions below and
/// runs curl_global_init. NULL when libcurl is ready; else why not, naming the library
/// (a static string, valid for the life of the process).
const char *agentreplay_curl_load(void);

// libcurl's functions, called through the pointers the loader found: only after
// agentreplay_curl_load returned NULL. curl_easy_setopt is variadic, which Swift cannot
// call: one function per type of argument.
CURL *agentreplay_curl_easy_init(void);
void agentreplay_curl_easy_cleanup(CURL *handle);
CURLcode agentreplay_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode agentreplay_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// Strings (copied by libcurl), buffers it keeps pointing to (CURLOPT_POSTFIELDS,
/// CURLOPT_ERRORBUFFER), header lists and callbacks' data.
CURLcode agentreplay_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
/// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
CURLcode agentreplay_curl_setopt_data_callback(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode agentreplay_curl_easy_perform(CURL *handle);
CURLcode agentreplay_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
const char *agentreplay_curl_easy_strerror(CURLcode code);
struct curl_slist *agentreplay_curl_slist_append(struct curl_slist *list, const char *text);
void agentreplay_curl_slist_free_all(struct curl_slist *list);

#endif
