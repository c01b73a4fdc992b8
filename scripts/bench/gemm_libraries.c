// Single-thread sgemm throughput of OpenBLAS, BLIS, oneDNN and libxsmm on given row-major shapes
// C[m, n] = op(A) op(B), the comparison behind docs/benchmarks.md's choice of product library.
// Built and run by scripts/bench/gemm_libraries.sh, which passes the shapes of `rfm bench gemm
// --preset P --json`, one per line on stdin: "m n k transA transB use…".
//
// Each library is timed round-robin with the others, several rounds, and the best round's median
// is kept, so a loaded machine slows all of them alike. Results are checked against OpenBLAS.
//
// OpenBLAS is linked (its kernels as `OPENBLAS_CORETYPE` selects, as in rfm); BLIS is opened with
// dlopen (RTLD_LOCAL: it exports the same BLAS symbols); oneDNN (`dnnl_sgemm`, and the matmul
// primitive with its weights in the layout it chooses, reordered once, as a layer would keep them,
// with and without a fused bias + tanh-GELU epilogue) and libxsmm (JIT kernels; no transposes of
// A) are linked.
#include <cblas.h>
#include <dlfcn.h>
#include <dnnl.h>
#include <libxsmm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare_doubles(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

/// Median seconds of `body(ctx)` over about `seconds` of calls (at least 5).
static double median_time(void (*body)(void*), void* ctx, double seconds) {
    body(ctx);
    double samples[4096];
    int count = 0;
    double start = now();
    while (count < 4096 && (count < 5 || now() - start < seconds)) {
        double t0 = now();
        body(ctx);
        samples[count++] = now() - t0;
    }
    qsort(samples, count, sizeof(double), compare_doubles);
    return samples[count / 2];
}

typedef struct {
    int m, n, k, ta, tb;
    float *a, *b, *c, *bias;
} Problem;

typedef void (*bli_sgemm_t)(int, int, long, long, long, const float*, const float*, long, long, const float*, long, long,
                            const float*, float*, long, long);
static bli_sgemm_t bli_sgemm_fn;
enum { BLIS_NO_TRANSPOSE = 0x0, BLIS_TRANSPOSE = 0x8 };

static void run_openblas(void* p_) {
    Problem* p = p_;
    cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans, p->tb ? CblasTrans : CblasNoTrans, p->m, p->n, p->k, 1.0f,
                p->a, p->ta ? p->m : p->k, p->b, p->tb ? p->k : p->n, 0.0f, p->c, p->n);
}

static void run_blis(void* p_) {
    Problem* p = p_;
    float one = 1.0f, zero = 0.0f;
    // Row-major storage: row stride = leading dimension, column stride 1.
    bli_sgemm_fn(p->ta ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, p->tb ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, p->m, p->n, p->k, &one,
                 p->a, p->ta ? p->m : p->k, 1, p->b, p->tb ? p->k : p->n, 1, &zero, p->c, p->n, 1);
}

static void run_dnnl_sgemm(void* p_) {
    Problem* p = p_;
    dnnl_sgemm(p->ta ? 'T' : 'N', p->tb ? 'T' : 'N', p->m, p->n, p->k, 1.0f, p->a, p->ta ? p->m : p->k, p->b,
               p->tb ? p->k : p->n, 0.0f, p->c, p->n);
}

typedef struct {
    Problem* p;
    libxsmm_smmfunction kernel;
} XsmmCall;

static void run_xsmm(void* x_) {
    XsmmCall* x = x_;
    // Column-major view: C^T[n, m] = op(B)^T op(A)^T, so libxsmm's A is our B and its B our A.
    x->kernel(x->p->b, x->p->a, x->p->c);
}

typedef struct {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_t matmul;
    dnnl_exec_arg_t args[4];
    int nargs;
} DnnlMatmul;

static void run_dnnl_matmul(void* d_) {
    DnnlMatmul* d = d_;
    dnnl_primitive_execute(d->matmul, d->stream, d->nargs, d->args);
    dnnl_stream_wait(d->stream);
}

#define CHECK(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { fprintf(stderr, "%s: %d\n", #call, s_); exit(1); } } while (0)

/// The matmul primitive for A[m, k] B[k, n] (+ bias, tanh-GELU when `fused`), weights reordered
/// once into the primitive's preferred layout. Only untransposed A; B may be transposed.
static int dnnl_matmul_setup(DnnlMatmul* d, Problem* p, int fused, dnnl_memory_t* keep) {
    if (p->ta) return 0;
    CHECK(dnnl_engine_create(&d->engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&d->stream, d->engine, dnnl_stream_default_flags));
    dnnl_memory_desc_t a_md, b_md, b_any, c_md, bias_md;
    dnnl_dims_t a_dims = {p->m, p->k}, b_dims = {p->k, p->n}, c_dims = {p->m, p->n}, bias_dims = {1, p->n};
    dnnl_dims_t a_strides = {p->k, 1}, c_strides = {p->n, 1};
    dnnl_dims_t b_strides = {p->tb ? 1 : p->n, p->tb ? p->k : 1};
    CHECK(dnnl_memory_desc_init_by_strides(&a_md, 2, a_dims, dnnl_f32, a_strides));
    CHECK(dnnl_memory_desc_init_by_strides(&b_md, 2, b_dims, dnnl_f32, b_strides));
    CHECK(dnnl_memory_desc_init_by_tag(&b_any, 2, b_dims, dnnl_f32, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_strides(&c_md, 2, c_dims, dnnl_f32, c_strides));
    CHECK(dnnl_memory_desc_init_by_tag(&bias_md, 2, bias_dims, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &a_md, &b_any, fused ? &bias_md : NULL, &c_md));
    dnnl_primitive_attr_t attr;
    CHECK(dnnl_primitive_attr_create(&attr));
    if (fused) {
        dnnl_post_ops_t ops;
        CHECK(dnnl_post_ops_create(&ops));
        CHECK(dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_gelu_tanh, 0.0f, 0.0f));
        CHECK(dnnl_primitive_attr_set_post_ops(attr, ops));
    }
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, d->engine, NULL));
    const dnnl_memory_desc_t* b_want = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t a_mem, b_user, b_mem, c_mem, bias_mem;
    CHECK(dnnl_memory_create(&a_mem, &a_md, d->engine, p->a));
    CHECK(dnnl_memory_create(&b_user, &b_md, d->engine, p->b));
    CHECK(dnnl_memory_create(&b_mem, b_want, d->engine, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&c_mem, &c_md, d->engine, p->c));
    CHECK(dnnl_memory_create(&bias_mem, &bias_md, d->engine, p->bias));
    // The weights reordered once into the primitive's layout.
    dnnl_primitive_desc_t rpd;
    CHECK(dnnl_reorder_primitive_desc_create(&rpd, &b_md, d->engine, b_want, d->engine, NULL));
    dnnl_primitive_t reorder;
    CHECK(dnnl_primitive_create(&reorder, rpd));
    dnnl_exec_arg_t rargs[2] = {{DNNL_ARG_FROM, b_user}, {DNNL_ARG_TO, b_mem}};
    CHECK(dnnl_primitive_execute(reorder, d->stream, 2, rargs));
    CHECK(dnnl_stream_wait(d->stream));
    CHECK(dnnl_primitive_create(&d->matmul, pd));
    d->args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, a_mem};
    d->args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, b_mem};
    d->args[2] = (dnnl_exec_arg_t){DNNL_ARG_DST, c_mem};
    d->args[3] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, bias_mem};
    d->nargs = fused ? 4 : 3;
    keep[0] = b_mem;
    return 1;
}

static float max_relative_error(const float* x, const float* ref, size_t n) {
    float worst = 0, scale = 0;
    for (size_t i = 0; i < n; i++) scale = fmaxf(scale, fabsf(ref[i]));
    for (size_t i = 0; i < n; i++) worst = fmaxf(worst, fabsf(x[i] - ref[i]) / (scale > 0 ? scale : 1));
    return worst;
}

int main(int argc, char** argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 0.15;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    void* blis = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL);
    if (blis) bli_sgemm_fn = (bli_sgemm_t)dlsym(blis, "bli_sgemm");
    libxsmm_init();
    printf("%6s %6s %6s %2s  %9s %9s %9s %9s %9s %9s  %s\n", "m", "n", "k", "op", "openblas", "blis", "dnnl", "dnnl-mm",
           "dnnl-mm+", "xsmm", "use (GFLOP/s; dnnl-mm+ includes bias + tanh-GELU)");
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        Problem p = {0};
        int used = 0;
        if (sscanf(line, "%d %d %d %d %d %n", &p.m, &p.n, &p.k, &p.ta, &p.tb, &used) < 5) continue;
        char* use = line + used;
        use[strcspn(use, "\n")] = 0;
        size_t sa = (size_t)p.m * p.k, sb = (size_t)p.k * p.n, sc = (size_t)p.m * p.n;
        p.a = malloc(4 * sa); p.b = malloc(4 * sb); p.c = malloc(4 * sc); p.bias = calloc(p.n, 4);
        float* ref = malloc(4 * sc);
        srand(1);
        for (size_t i = 0; i < sa; i++) p.a[i] = 2.0f * rand() / RAND_MAX - 1;
        for (size_t i = 0; i < sb; i++) p.b[i] = 2.0f * rand() / RAND_MAX - 1;
        run_openblas(&p);
        memcpy(ref, p.c, 4 * sc);
        double flops = 2.0 * p.m * p.n * p.k;
        double best[6] = {0};
        int has[6] = {1, bli_sgemm_fn != NULL, 1, 0, 0, 0};
        XsmmCall x = {&p, NULL};
        if (!p.ta && !p.tb) {
            int flags = LIBXSMM_GEMM_FLAG_NONE, prefetch = LIBXSMM_PREFETCH_NONE;
            libxsmm_blasint lda = p.n, ldb = p.k, ldc = p.n;
            float alpha = 1, beta = 0;
            x.kernel = libxsmm_smmdispatch(p.n, p.m, p.k, &lda, &ldb, &ldc, &alpha, &beta, &flags, &prefetch);
            has[5] = x.kernel != NULL;
        }
        DnnlMatmul mm = {0}, mmf = {0};
        dnnl_memory_t keep[2];
        has[3] = dnnl_matmul_setup(&mm, &p, 0, keep);
        has[4] = dnnl_matmul_setup(&mmf, &p, 1, keep + 1);
        void (*bodies[6])(void*) = {run_openblas, run_blis, run_dnnl_sgemm, run_dnnl_matmul, run_dnnl_matmul, run_xsmm};
        void* ctxs[6] = {&p, &p, &p, &mm, &mmf, &x};
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 6; i++) {
                if (!has[i]) continue;
                double t = median_time(bodies[i], ctxs[i], seconds);
                if (flops / t / 1e9 > best[i]) best[i] = flops / t / 1e9;
                if (i != 4) {
                    float e = max_relative_error(p.c, ref, sc);
                    if (e > 1e-4f) { fprintf(stderr, "library %d disagrees with OpenBLAS on %s: %g\n", i, use, e); has[i] = 0; best[i] = 0; }
                }
            }
        }
        printf("%6d %6d %6d %c%c ", p.m, p.n, p.k, p.ta ? 'T' : 'N', p.tb ? 'T' : 'N');
        for (int i = 0; i < 6; i++) {
            if (has[i]) printf(" %9.1f", best[i]); else printf(" %9s", "-");
        }
        printf("  %s\n", use);
        fflush(stdout);
        free(p.a); free(p.b); free(p.c); free(p.bias); free(ref);
    }
    return 0;
}
