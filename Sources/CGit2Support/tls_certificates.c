/* libgit2 1.5, as Debian builds it (with mbedTLS), loads the system's whole CA bundle
   (/etc/ssl/certs/ca-certificates.crt, ~150 certificates) into mbedTLS inside
   git_libgit2_init, whether or not anything will ever make a TLS connection, and no option
   of git_libgit2_opts comes before it. agentreplay never uses libgit2's network transports
   (it reads and writes local repositories only), and that parse was about a quarter of the
   user-space instructions of a recording hook's call (docs/performance.md, run 16).

   This definition is found before libmbedx509's: the executable defines it and libgit2.so,
   on the link line, refers to it, so the linker exports it and the dynamic linker binds
   libgit2's call here. libgit2 ignores the failure (it only records that no certificate was
   loaded), and a TLS connection through libgit2 would then trust no certificate and refuse
   every peer: it fails closed, never open. Nothing else in the process uses mbedTLS (libcurl
   and libpq use OpenSSL). */
int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
}
