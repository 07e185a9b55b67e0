#ifndef HAO_CGLPK_SHIM_H
#define HAO_CGLPK_SHIM_H
#include <glpk.h>
#endif
