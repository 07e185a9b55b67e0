// See include/CGLPKGuard.h for the contract.
#include "CGLPKGuard.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>

// ---------------------------------------------------------------------------
// Per-thread state. GLPK (Debian build) keeps its environment in thread-local
// storage, so hooks and buffers are per thread as well.

typedef struct capture_buffer {
    char text[4096];
    size_t length;
} capture_buffer;

typedef struct guard_frame {
    jmp_buf jump;
} guard_frame;

static _Thread_local capture_buffer thread_capture;
static _Thread_local guard_frame *thread_frame;
static _Thread_local int thread_registered;

static pthread_key_t environment_key;
static pthread_once_t environment_key_once = PTHREAD_ONCE_INIT;

static _Atomic long environments_freed_at_exit;

static void free_environment_at_exit(void *unused) {
    (void)unused;
    glp_free_env();
    atomic_fetch_add(&environments_freed_at_exit, 1);
}

long hao_glpk_environments_freed_at_thread_exit(void) {
    return atomic_load(&environments_freed_at_exit);
}

static void make_environment_key(void) {
    pthread_key_create(&environment_key, free_environment_at_exit);
}

// Keeps the tail of GLPK's output: error messages come last.
static int capture_terminal_output(void *info, const char *text) {
    (void)info;
    size_t n = strlen(text);
    capture_buffer *buffer = &thread_capture;
    size_t room = sizeof(buffer->text) - 1;
    if (n >= room) {
        text += n - room;
        n = room;
    }
    if (buffer->length + n > room) {
        size_t drop = buffer->length + n - room;
        memmove(buffer->text, buffer->text + drop, buffer->length - drop);
        buffer->length -= drop;
    }
    memcpy(buffer->text + buffer->length, text, n);
    buffer->length += n;
    buffer->text[buffer->length] = '\0';
    return 1;  // non-zero: GLPK does not print it
}

static void jump_back_on_error(void *info) {
    guard_frame *frame = (guard_frame *)info;
    longjmp(frame->jump, 1);
}

void hao_glpk_prepare_thread(void) {
    if (!thread_registered) {
        pthread_once(&environment_key_once, make_environment_key);
        pthread_setspecific(environment_key, (void *)1);
        thread_registered = 1;
    }
    // glp_term_hook re-creates the environment if a caught error freed it.
    glp_term_hook(capture_terminal_output, NULL);
}

void hao_glpk_free_thread_environment(void) {
    glp_free_env();
}

static void begin_capture(void) {
    thread_capture.length = 0;
    thread_capture.text[0] = '\0';
}

static void copy_capture(char *message, size_t capacity) {
    if (message == NULL || capacity == 0) return;
    size_t n = thread_capture.length;
    if (n >= capacity) n = capacity - 1;
    memcpy(message, thread_capture.text + (thread_capture.length - n), n);
    message[n] = '\0';
}

// Every guarded entry point follows one pattern: arm the frame, run GLPK calls,
// disarm. A longjmp lands in the `if (setjmp(...))` branch of the entry point itself.
#define GUARD_BEGIN(message, capacity)                                   \
    hao_glpk_prepare_thread();                                            \
    begin_capture();                                                      \
    guard_frame frame;                                                    \
    guard_frame *volatile previous_frame = thread_frame;                  \
    if (setjmp(frame.jump) != 0) {                                        \
        thread_frame = previous_frame;                                    \
        copy_capture(message, capacity);                                  \
        glp_free_env();                                                   \
        hao_glpk_prepare_thread();                                        \
        return HAO_GLPK_CAUGHT_ERROR;                                     \
    }                                                                     \
    thread_frame = &frame;                                                \
    glp_error_hook(jump_back_on_error, &frame);

#define GUARD_END()                                                       \
    glp_error_hook(NULL, NULL);                                           \
    thread_frame = previous_frame;

// ---------------------------------------------------------------------------

int hao_glpk_build(const hao_glpk_model *model, hao_glpk_problem **out,
                   char *message, size_t capacity) {
    GUARD_BEGIN(message, capacity)
    glp_prob *problem = glp_create_prob();
    if (model->name) glp_set_prob_name(problem, model->name);
    if (model->objective_name) glp_set_obj_name(problem, model->objective_name);
    glp_set_obj_dir(problem, model->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(problem, 0, model->objective_constant);
    if (model->rows > 0) glp_add_rows(problem, model->rows);
    if (model->cols > 0) glp_add_cols(problem, model->cols);
    for (int i = 0; i < model->rows; i++) {
        if (model->row_names && model->row_names[i]) glp_set_row_name(problem, i + 1, model->row_names[i]);
        glp_set_row_bnds(problem, i + 1, model->row_bound_type[i], model->row_lower[i], model->row_upper[i]);
    }
    for (int j = 0; j < model->cols; j++) {
        if (model->col_names && model->col_names[j]) glp_set_col_name(problem, j + 1, model->col_names[j]);
        glp_set_col_kind(problem, j + 1, model->col_kind[j]);
        // glp_set_col_kind(GLP_BV) sets bounds [0,1]; explicit bounds follow for CV/IV.
        if (model->col_kind[j] != GLP_BV)
            glp_set_col_bnds(problem, j + 1, model->col_bound_type[j], model->col_lower[j], model->col_upper[j]);
        glp_set_obj_coef(problem, j + 1, model->col_objective[j]);
    }
    if (model->nonzeros > 0) {
        // glp_load_matrix wants 1-based arrays: pass pointers shifted by one.
        glp_load_matrix(problem, model->nonzeros, model->ia - 1, model->ja - 1, model->ar - 1);
    }
    GUARD_END()
    *out = problem;
    return HAO_GLPK_OK;
}

typedef struct bound_tracker {
    double best_bound;
    const volatile int *stop_requested;
} bound_tracker;

static void track_best_bound(glp_tree *tree, void *info) {
    bound_tracker *tracker = (bound_tracker *)info;
    if (tracker->stop_requested != NULL && *tracker->stop_requested != 0) {
        glp_ios_terminate(tree);
        return;
    }
    int reason = glp_ios_reason(tree);
    if (reason == GLP_ISELECT || reason == GLP_IBINGO || reason == GLP_IPREPRO || reason == GLP_IROWGEN) {
        int best = glp_ios_best_node(tree);
        if (best != 0) tracker->best_bound = glp_ios_node_bound(tree, best);
    }
}

static int has_integer_columns(glp_prob *problem) {
    return glp_get_num_int(problem) > 0;
}

// Solves the LP relaxation without presolve, so that GLPK reports the precise status.
static int relaxation_status(glp_prob *problem, const hao_glpk_options *options) {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    if (options->time_limit_ms > 0) parm.tm_lim = options->time_limit_ms;
    int code = glp_simplex(problem, &parm);
    if (code != 0) return -code;
    return glp_get_status(problem);
}

static int solve_lp(glp_prob *problem, const hao_glpk_options *options, hao_glpk_result *result) {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = options->message_level;
    parm.presolve = options->presolve ? GLP_ON : GLP_OFF;
    if (options->time_limit_ms > 0) parm.tm_lim = options->time_limit_ms;
    int code = glp_simplex(problem, &parm);
    result->glpk_code = code;
    if (code == GLP_ENOPFS) { result->status = HAO_STATUS_INFEASIBLE; return 0; }
    if (code == GLP_ENODFS) {
        int status = relaxation_status(problem, options);
        result->status = (status == GLP_UNBND) ? HAO_STATUS_UNBOUNDED : HAO_STATUS_INFEASIBLE;
        if (status == GLP_NOFEAS || status == GLP_UNBND) return 0;
        result->status = HAO_STATUS_SOLVER_FAILURE;
        return 0;
    }
    if (code == GLP_ETMLIM) {
        result->status = (glp_get_prim_stat(problem) == GLP_FEAS)
            ? HAO_STATUS_TIME_LIMIT_INCUMBENT : HAO_STATUS_TIME_LIMIT_NO_INCUMBENT;
    } else if (code != 0) {
        result->status = HAO_STATUS_SOLVER_FAILURE;
        return 0;
    } else {
        switch (glp_get_status(problem)) {
        case GLP_OPT: result->status = HAO_STATUS_OPTIMAL; break;
        case GLP_NOFEAS: result->status = HAO_STATUS_INFEASIBLE; return 0;
        case GLP_UNBND: result->status = HAO_STATUS_UNBOUNDED; return 0;
        default: {
            // GLP_INFEAS/GLP_UNDEF after presolve: ask again without it.
            int status = relaxation_status(problem, options);
            if (status == GLP_OPT) result->status = HAO_STATUS_OPTIMAL;
            else if (status == GLP_NOFEAS) { result->status = HAO_STATUS_INFEASIBLE; return 0; }
            else if (status == GLP_UNBND) { result->status = HAO_STATUS_UNBOUNDED; return 0; }
            else { result->status = HAO_STATUS_SOLVER_FAILURE; return 0; }
        }
        }
    }
    if (result->status == HAO_STATUS_TIME_LIMIT_NO_INCUMBENT) return 0;
    result->objective = glp_get_obj_val(problem);
    int cols = glp_get_num_cols(problem);
    for (int j = 1; j <= cols; j++) result->column_values[j - 1] = glp_get_col_prim(problem, j);
    return 0;
}

static int solve_mip(glp_prob *problem, const hao_glpk_options *options, hao_glpk_result *result) {
    bound_tracker tracker = { NAN, options->stop_requested };
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = options->message_level;
    parm.presolve = GLP_ON;  // lets glp_intopt solve the relaxation itself
    parm.mip_gap = options->mip_gap;
    parm.cb_func = track_best_bound;
    parm.cb_info = &tracker;
    if (options->time_limit_ms > 0) parm.tm_lim = options->time_limit_ms;
    if (options->tuned) {
        parm.pp_tech = options->pp_tech;
        parm.br_tech = options->br_tech;
        parm.bt_tech = options->bt_tech;
        parm.mir_cuts = (options->cuts & 1) ? GLP_ON : GLP_OFF;
        parm.gmi_cuts = (options->cuts & 2) ? GLP_ON : GLP_OFF;
        parm.cov_cuts = (options->cuts & 4) ? GLP_ON : GLP_OFF;
        parm.clq_cuts = (options->cuts & 8) ? GLP_ON : GLP_OFF;
        parm.sr_heur = options->sr_heur ? GLP_ON : GLP_OFF;
    }
    int code = glp_intopt(problem, &parm);
    result->glpk_code = code;
    result->best_bound = tracker.best_bound;
    if (code == GLP_ENOPFS) { result->status = HAO_STATUS_INFEASIBLE; return 0; }
    if (code == GLP_ENODFS) {
        // The relaxation has no dual feasible solution: it is infeasible or unbounded.
        int status = relaxation_status(problem, options);
        if (status == GLP_NOFEAS) { result->status = HAO_STATUS_INFEASIBLE; return 0; }
        if (status != GLP_UNBND) { result->status = HAO_STATUS_SOLVER_FAILURE; return 0; }
        // Unbounded relaxation: the MIP is unbounded if it has any integer point.
        int direction = glp_get_obj_dir(problem);
        int cols = glp_get_num_cols(problem);
        double saved_constant = glp_get_obj_coef(problem, 0);
        double *saved = (double *)calloc((size_t)cols + 1, sizeof(double));
        if (saved == NULL) { result->status = HAO_STATUS_SOLVER_FAILURE; return 0; }
        for (int j = 1; j <= cols; j++) { saved[j] = glp_get_obj_coef(problem, j); glp_set_obj_coef(problem, j, 0.0); }
        glp_iocp feas;
        glp_init_iocp(&feas);
        feas.msg_lev = GLP_MSG_OFF;
        feas.presolve = GLP_ON;
        if (options->time_limit_ms > 0) feas.tm_lim = options->time_limit_ms;
        int feasibility = glp_intopt(problem, &feas);
        int feasible = (feasibility == 0 && glp_mip_status(problem) == GLP_OPT);
        for (int j = 1; j <= cols; j++) glp_set_obj_coef(problem, j, saved[j]);
        glp_set_obj_coef(problem, 0, saved_constant);
        glp_set_obj_dir(problem, direction);
        free(saved);
        if (feasibility == GLP_ETMLIM) result->status = HAO_STATUS_TIME_LIMIT_NO_INCUMBENT;
        else result->status = feasible ? HAO_STATUS_UNBOUNDED : HAO_STATUS_INFEASIBLE;
        return 0;
    }
    int mip_status = glp_mip_status(problem);
    if (code == GLP_ESTOP) {
        result->status = (mip_status == GLP_FEAS || mip_status == GLP_OPT)
            ? HAO_STATUS_STOPPED_INCUMBENT : HAO_STATUS_STOPPED_NO_INCUMBENT;
    } else if (code == GLP_ETMLIM) {
        result->status = (mip_status == GLP_FEAS || mip_status == GLP_OPT)
            ? HAO_STATUS_TIME_LIMIT_INCUMBENT : HAO_STATUS_TIME_LIMIT_NO_INCUMBENT;
    } else if (code == GLP_EMIPGAP) {
        result->status = HAO_STATUS_FEASIBLE;
    } else if (code != 0) {
        result->status = HAO_STATUS_SOLVER_FAILURE;
        return 0;
    } else if (mip_status == GLP_OPT) {
        result->status = HAO_STATUS_OPTIMAL;
    } else if (mip_status == GLP_NOFEAS) {
        result->status = HAO_STATUS_INFEASIBLE;
        return 0;
    } else if (mip_status == GLP_FEAS) {
        result->status = HAO_STATUS_FEASIBLE;
    } else {
        result->status = HAO_STATUS_SOLVER_FAILURE;
        return 0;
    }
    if (result->status == HAO_STATUS_TIME_LIMIT_NO_INCUMBENT || result->status == HAO_STATUS_STOPPED_NO_INCUMBENT) return 0;
    result->objective = glp_mip_obj_val(problem);
    int cols = glp_get_num_cols(problem);
    for (int j = 1; j <= cols; j++) result->column_values[j - 1] = glp_mip_col_val(problem, j);
    return 0;
}

int hao_glpk_solve(hao_glpk_problem *problem, const hao_glpk_options *options,
                   hao_glpk_result *result, char *message, size_t capacity) {
    GUARD_BEGIN(message, capacity)
    result->objective = NAN;
    result->best_bound = NAN;
    result->glpk_code = 0;
    if (has_integer_columns(problem)) solve_mip(problem, options, result);
    else solve_lp(problem, options, result);
    GUARD_END()
    copy_capture(message, capacity);
    return HAO_GLPK_OK;
}

int hao_glpk_read(int format, const char *path, hao_glpk_problem **out,
                  char *message, size_t capacity) {
    GUARD_BEGIN(message, capacity)
    glp_prob *problem = glp_create_prob();
    int code;
    switch (format) {
    case HAO_FORMAT_CPLEX_LP: code = glp_read_lp(problem, NULL, path); break;
    case HAO_FORMAT_FIXED_MPS: code = glp_read_mps(problem, GLP_MPS_DECK, NULL, path); break;
    default: code = glp_read_mps(problem, GLP_MPS_FILE, NULL, path); break;
    }
    if (code != 0) {
        glp_delete_prob(problem);
        GUARD_END()
        copy_capture(message, capacity);
        return HAO_GLPK_FAILED;
    }
    GUARD_END()
    *out = problem;
    return HAO_GLPK_OK;
}

int hao_glpk_write(hao_glpk_problem *problem, int format, const char *path,
                   char *message, size_t capacity) {
    GUARD_BEGIN(message, capacity)
    int code;
    switch (format) {
    case HAO_FORMAT_CPLEX_LP: code = glp_write_lp(problem, NULL, path); break;
    case HAO_FORMAT_FIXED_MPS: code = glp_write_mps(problem, GLP_MPS_DECK, NULL, path); break;
    default: code = glp_write_mps(problem, GLP_MPS_FILE, NULL, path); break;
    }
    GUARD_END()
    if (code != 0) {
        copy_capture(message, capacity);
        return HAO_GLPK_FAILED;
    }
    return HAO_GLPK_OK;
}

void hao_glpk_delete(hao_glpk_problem *problem) {
    if (problem) glp_delete_prob(problem);
}
