// CGLPKGuard: a thin C layer that makes GLPK safe to call from Swift.
//
// GLPK reports an invalid call by calling its error hook and, when the hook returns,
// aborting the process. Every function here arms a setjmp frame in C, installs an
// error hook that longjmps back to it (so no Swift frame is ever skipped), captures
// GLPK's terminal output into a per-thread buffer (which also silences it), and turns
// the error into a non-zero return code with GLPK's own message.
//
// After a caught error GLPK's environment on that thread is freed, which frees every
// problem object created on that thread: callers must treat all of them as gone.
//
// The first call on a thread registers a thread-exit destructor that frees that
// thread's GLPK environment, so worker threads do not leak it.
#ifndef HAO_CGLPK_GUARD_H
#define HAO_CGLPK_GUARD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opaque GLPK problem (glp_prob).
typedef struct glp_prob hao_glpk_problem;

/// Return codes shared by every guarded call.
enum {
    HAO_GLPK_OK = 0,
    /// GLPK called its error hook; the environment on this thread was freed.
    HAO_GLPK_CAUGHT_ERROR = 1,
    /// GLPK returned an ordinary failure code (bad file, write error, ...).
    HAO_GLPK_FAILED = 2,
};

/// A whole model, as flat arrays. Indices in `ia`/`ja` are 1-based (GLPK's convention),
/// and every array holding per-row/per-column/per-element data is 0-based with
/// exactly `rows`, `cols` or `nonzeros` entries.
typedef struct hao_glpk_model {
    const char *name;            // may be NULL
    const char *objective_name;  // may be NULL
    int maximize;                // 0 = minimise
    double objective_constant;
    int rows;
    int cols;
    const int *row_bound_type;   // GLP_FR, GLP_LO, GLP_UP, GLP_DB, GLP_FX
    const double *row_lower;
    const double *row_upper;
    const char *const *row_names;    // may be NULL, entries may be NULL
    const int *col_kind;         // GLP_CV, GLP_IV, GLP_BV
    const int *col_bound_type;
    const double *col_lower;
    const double *col_upper;
    const double *col_objective;
    const char *const *col_names;    // may be NULL, entries may be NULL
    int nonzeros;
    const int *ia;               // row index, 1-based
    const int *ja;               // column index, 1-based
    const double *ar;
} hao_glpk_model;

typedef struct hao_glpk_options {
    int time_limit_ms;      // <= 0 means no limit
    double mip_gap;         // relative gap; 0 means prove optimality
    int presolve;           // 1 = use GLPK's presolver
    int message_level;      // GLP_MSG_*, normally GLP_MSG_OFF; used by tests to reach GLPK's validation
    // Branch-and-cut tuning; ignored (GLPK's defaults) unless `tuned` is 1.
    int tuned;
    int pp_tech;            // GLP_PP_NONE, GLP_PP_ROOT, GLP_PP_ALL
    int br_tech;            // GLP_BR_*
    int bt_tech;            // GLP_BT_*
    int cuts;               // bit 0 MIR, bit 1 Gomory, bit 2 cover, bit 3 clique
    int sr_heur;            // simple rounding heuristic (1 on, 0 off)
    const volatile int *stop_requested;  // optional: branch and bound stops at the next node once *stop_requested != 0
} hao_glpk_options;

/// Solver outcome, independent of GLPK's own codes.
enum {
    HAO_STATUS_OPTIMAL = 0,
    HAO_STATUS_FEASIBLE = 1,           // stopped at the relative gap with an incumbent
    HAO_STATUS_INFEASIBLE = 2,
    HAO_STATUS_UNBOUNDED = 3,
    HAO_STATUS_TIME_LIMIT_INCUMBENT = 4,
    HAO_STATUS_TIME_LIMIT_NO_INCUMBENT = 5,
    HAO_STATUS_SOLVER_FAILURE = 6,     // GLPK returned a failure code (see glpk_code)
    HAO_STATUS_STOPPED_INCUMBENT = 7,     // stopped on request (stop_requested) with an incumbent
    HAO_STATUS_STOPPED_NO_INCUMBENT = 8,  // stopped on request before any integer solution
};

typedef struct hao_glpk_result {
    int status;
    int glpk_code;          // glp_simplex/glp_intopt return code
    double objective;
    double best_bound;      // MIP: best bound seen by branch and bound (NaN if unknown)
    double *column_values;  // caller-provided, `cols` entries
} hao_glpk_result;

/// Builds a GLPK problem from `model`. On success *out is the new problem.
int hao_glpk_build(const hao_glpk_model *model, hao_glpk_problem **out,
                   char *message, size_t capacity);

/// Solves `problem` (LP with simplex, MIP with branch and cut) and fills `result`.
/// `column_values` must hold glp_get_num_cols(problem) doubles.
int hao_glpk_solve(hao_glpk_problem *problem, const hao_glpk_options *options,
                   hao_glpk_result *result, char *message, size_t capacity);

/// File formats for reading and writing.
enum {
    HAO_FORMAT_CPLEX_LP = 0,
    HAO_FORMAT_FREE_MPS = 1,
    HAO_FORMAT_FIXED_MPS = 2,
};

/// Reads a model file. On failure the message holds GLPK's diagnostics.
int hao_glpk_read(int format, const char *path, hao_glpk_problem **out,
                  char *message, size_t capacity);

/// Writes a model file.
int hao_glpk_write(hao_glpk_problem *problem, int format, const char *path,
                   char *message, size_t capacity);

/// Deletes a problem. Must not be called for problems invalidated by a caught error.
void hao_glpk_delete(hao_glpk_problem *problem);

/// Frees this thread's GLPK environment now (it is also freed at thread exit).
void hao_glpk_free_thread_environment(void);

/// Installs the silencing term hook on this thread; idempotent.
void hao_glpk_prepare_thread(void);

/// How many threads have had their GLPK environment freed by the thread-exit destructor
/// since the process started (for tests and diagnostics).
long hao_glpk_environments_freed_at_thread_exit(void);

#ifdef __cplusplus
}
#endif

#endif
