#ifndef CPOSTGRES_H
#define CPOSTGRES_H

// libpq's types and constants, from its development headers (libpq-dev; Debian keeps them in
// /usr/include/postgresql). The library itself is not linked: agentreplay_pq_load opens
// libpq.so.5 the first time a store in PostgreSQL is used, so that every other command starts
// without mapping libpq and the libraries it depends on (Kerberos, LDAP, GnuTLS, SASL…).
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

/// Opens libpq (once, for the life of the process) and finds the functions below. NULL when
/// libpq is ready; else why not, naming the library (a static string, valid for the life of
/// the process).
const char *agentreplay_pq_load(void);

/// Opens `file` with dlopen and looks for every function below in it, without making it the
/// library the functions call: NULL when `file` would do, else why not, in `message` (which
/// holds `size` bytes). What agentreplay_pq_load says on failure, for any file (its tests).
const char *agentreplay_pq_try(const char *file, char *message, size_t size);

// libpq's functions, called through the pointers the loader found: only after
// agentreplay_pq_load returned NULL. Each is libpq's function of the same name without the
// prefix, with the same arguments.
PGconn *agentreplay_PQconnectdb(const char *conninfo);
void agentreplay_PQfinish(PGconn *conn);
char *agentreplay_PQhost(const PGconn *conn);
char *agentreplay_PQport(const PGconn *conn);
char *agentreplay_PQdb(const PGconn *conn);
char *agentreplay_PQuser(const PGconn *conn);
ConnStatusType agentreplay_PQstatus(const PGconn *conn);
char *agentreplay_PQerrorMessage(const PGconn *conn);
int agentreplay_PQsetClientEncoding(PGconn *conn, const char *encoding);
PQnoticeProcessor agentreplay_PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg);
const char *agentreplay_PQparameterStatus(const PGconn *conn, const char *paramName);
PGresult *agentreplay_PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes);
PGresult *agentreplay_PQexecPrepared(PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues,
                                     const int *paramLengths, const int *paramFormats, int resultFormat);
PGresult *agentreplay_PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                   const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                                   int resultFormat);
void agentreplay_PQclear(PGresult *res);
ExecStatusType agentreplay_PQresultStatus(const PGresult *res);
char *agentreplay_PQresultErrorField(const PGresult *res, int fieldcode);
char *agentreplay_PQresultErrorMessage(const PGresult *res);
int agentreplay_PQnfields(const PGresult *res);
int agentreplay_PQntuples(const PGresult *res);
char *agentreplay_PQfname(const PGresult *res, int field_num);
Oid agentreplay_PQftype(const PGresult *res, int field_num);
int agentreplay_PQgetisnull(const PGresult *res, int tup_num, int field_num);
char *agentreplay_PQgetvalue(const PGresult *res, int tup_num, int field_num);
PQconninfoOption *agentreplay_PQconninfoParse(const char *conninfo, char **errmsg);
void agentreplay_PQconninfoFree(PQconninfoOption *connOptions);
void agentreplay_PQfreemem(void *ptr);

#endif
