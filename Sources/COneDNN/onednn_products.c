// The kernel layer's products through oneDNN (Debian's libdnnl-dev). oneDNN here is built on
// OpenMP: each thread that calls it has its own OpenMP thread count, which starts at the number of
// cores. The kernel layer runs products on its own workers, one product per worker, so each
// calling thread sets its count to one before its first product (oversubscription otherwise).
// omp_set_num_threads is looked up at run time: libgomp comes in as oneDNN's dependency, and
// linking it by name would need the compiler's private library folder.
#include "onednn_products.h"
#include <dlfcn.h>
#include <dnnl.h>

static __thread int wanted_threads = 1;
static __thread int applied_threads = 0;

static void apply_threads(void) {
    static void (*set_num_threads)(int) = 0;
    static int looked_up = 0;
    if (!looked_up) {
        set_num_threads = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
        looked_up = 1;
    }
    if (set_num_threads) set_num_threads(wanted_threads);
    applied_threads = wanted_threads;
}

int rfm_onednn_sgemm(char transA, char transB, long m, long n, long k, float alpha, const float* a, long lda,
                     const float* b, long ldb, float beta, float* c, long ldc) {
    if (applied_threads != wanted_threads) apply_threads();
    return (int)dnnl_sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void rfm_onednn_set_threads(int count) { wanted_threads = count < 1 ? 1 : count; }

const char* rfm_onednn_isa(void) {
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    default: return "unknown";
    }
}
