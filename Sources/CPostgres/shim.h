#ifndef AGENTREPLAY_CPOSTGRES_SHIM_H
#define AGENTREPLAY_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
