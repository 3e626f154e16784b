#include "CPostgres.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// The library's file name, with the ABI's major version: what the runtime package (libpq5)
// installs, not the development package's unversioned libpq.so.
#if defined(__APPLE__)
#define LIBPQ "libpq.5.dylib"
#else
#define LIBPQ "libpq.so.5"
#endif

// Every function agentreplay calls: X(name). Each pointer has the type of libpq's own
// declaration (__typeof__ of the header's prototype), so a call through it is checked against
// the header.
#define LIBPQ_FUNCTIONS(X)                                                                                             \
    X(PQconnectdb)                                                                                                     \
    X(PQfinish)                                                                                                        \
    X(PQhost)                                                                                                          \
    X(PQport)                                                                                                          \
    X(PQdb)                                                                                                            \
    X(PQuser)                                                                                                          \
    X(PQstatus)                                                                                                        \
    X(PQerrorMessage)                                                                                                  \
    X(PQsetClientEncoding)                                                                                             \
    X(PQsetNoticeProcessor)                                                                                            \
    X(PQparameterStatus)                                                                                               \
    X(PQprepare)                                                                                                       \
    X(PQexecPrepared)                                                                                                  \
    X(PQexecParams)                                                                                                    \
    X(PQclear)                                                                                                         \
    X(PQresultStatus)                                                                                                  \
    X(PQresultErrorField)                                                                                              \
    X(PQresultErrorMessage)                                                                                            \
    X(PQnfields)                                                                                                       \
    X(PQntuples)                                                                                                       \
    X(PQfname)                                                                                                         \
    X(PQftype)                                                                                                         \
    X(PQgetisnull)                                                                                                     \
    X(PQgetvalue)                                                                                                      \
    X(PQconninfoParse)                                                                                                 \
    X(PQconninfoFree)                                                                                                  \
    X(PQfreemem)

struct functions {
#define FIELD(name) __typeof__(&name) name;
    LIBPQ_FUNCTIONS(FIELD)
#undef FIELD
};

static struct functions pq;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char load_message[1024];

// Opens `file` and fills `into`; NULL, or why not in `message`. The library stays loaded for
// the life of the process when it does (libpq keeps global state: SSL, its thread lock).
static const char *open_library(const char *file, struct functions *into, char *message, size_t size) {
    void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(message, size,
                 "%s could not be loaded (%s): a store in PostgreSQL needs libpq at run time (Debian and Ubuntu: the "
                 "libpq5 package)",
                 file, why != NULL ? why : "no reason given");
        return message;
    }
#define FIND(name)                                                                                                     \
    into->name = (__typeof__(&name))dlsym(library, #name);                                                             \
    if (into->name == NULL) {                                                                                          \
        snprintf(message, size, "%s has no %s: not the libpq this was built for", file, #name);                       \
        dlclose(library);                                                                                              \
        return message;                                                                                                \
    }
    LIBPQ_FUNCTIONS(FIND)
#undef FIND
    return NULL;
}

static void load(void) { load_error = open_library(LIBPQ, &pq, load_message, sizeof load_message); }

const char *agentreplay_pq_load(void) {
    pthread_once(&once, load);
    return load_error;
}

const char *agentreplay_pq_try(const char *file, char *message, size_t size) {
    struct functions scratch;
    return open_library(file, &scratch, message, size);
}

PGconn *agentreplay_PQconnectdb(const char *conninfo) { return pq.PQconnectdb(conninfo); }
void agentreplay_PQfinish(PGconn *conn) { pq.PQfinish(conn); }
char *agentreplay_PQhost(const PGconn *conn) { return pq.PQhost(conn); }
char *agentreplay_PQport(const PGconn *conn) { return pq.PQport(conn); }
char *agentreplay_PQdb(const PGconn *conn) { return pq.PQdb(conn); }
char *agentreplay_PQuser(const PGconn *conn) { return pq.PQuser(conn); }
ConnStatusType agentreplay_PQstatus(const PGconn *conn) { return pq.PQstatus(conn); }
char *agentreplay_PQerrorMessage(const PGconn *conn) { return pq.PQerrorMessage(conn); }
int agentreplay_PQsetClientEncoding(PGconn *conn, const char *encoding) { return pq.PQsetClientEncoding(conn, encoding); }
PQnoticeProcessor agentreplay_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg) {
    return pq.PQsetNoticeProcessor(conn, proc, arg);
}
const char *agentreplay_PQparameterStatus(const PGconn *conn, const char *paramName) {
    return pq.PQparameterStatus(conn, paramName);
}
PGresult *agentreplay_PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes) {
    return pq.PQprepare(conn, stmtName, query, nParams, paramTypes);
}
PGresult *agentreplay_PQexecPrepared(PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues,
                                     const int *paramLengths, const int *paramFormats, int resultFormat) {
    return pq.PQexecPrepared(conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat);
}
PGresult *agentreplay_PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                   const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                                   int resultFormat) {
    return pq.PQexecParams(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat);
}
void agentreplay_PQclear(PGresult *res) { pq.PQclear(res); }
ExecStatusType agentreplay_PQresultStatus(const PGresult *res) { return pq.PQresultStatus(res); }
char *agentreplay_PQresultErrorField(const PGresult *res, int fieldcode) { return pq.PQresultErrorField(res, fieldcode); }
char *agentreplay_PQresultErrorMessage(const PGresult *res) { return pq.PQresultErrorMessage(res); }
int agentreplay_PQnfields(const PGresult *res) { return pq.PQnfields(res); }
int agentreplay_PQntuples(const PGresult *res) { return pq.PQntuples(res); }
char *agentreplay_PQfname(const PGresult *res, int field_num) { return pq.PQfname(res, field_num); }
Oid agentreplay_PQftype(const PGresult *res, int field_num) { return pq.PQftype(res, field_num); }
int agentreplay_PQgetisnull(const PGresult *res, int tup_num, int field_num) { return pq.PQgetisnull(res, tup_num, field_num); }
char *agentreplay_PQgetvalue(const PGresult *res, int tup_num, int field_num) { return pq.PQgetvalue(res, tup_num, field_num); }
PQconninfoOption *agentreplay_PQconninfoParse(const char *conninfo, char **errmsg) { return pq.PQconninfoParse(conninfo, errmsg); }
void agentreplay_PQconninfoFree(PQconninfoOption *connOptions) { pq.PQconninfoFree(connOptions); }
void agentreplay_PQfreemem(void *ptr) { pq.PQfreemem(ptr); }
