// Runs the CUDA backend's kernels (Sources/CUDA/Kernels/*.cu) on the CPU, so their
// arithmetic and indexing are tested on every machine against the CPU kernels they mirror. Kernels
// are reached only by name through the table below (as the driver reaches them on a GPU); there
// is no per-kernel wrapper to keep in step with the source. A launch
// of `blocks` × `threads` becomes a loop over every (block, thread) pair in turn; the grid-stride
// kernels this file accepts give the same results in any order.
#include "cuda_emulation.h"

#include <math.h>
#include <string.h>

#include <type_traits>
#include <utility>

namespace {
struct dim3 { unsigned x = 1, y = 1, z = 1; };
thread_local dim3 blockIdx, threadIdx, blockDim, gridDim;

template <class Body> void launch(int blocks, int threads, Body body) {
    gridDim.x = (unsigned)blocks;
    blockDim.x = (unsigned)threads;
    for (int b = 0; b < blocks; b++) {
        for (int t = 0; t < threads; t++) {
            blockIdx.x = (unsigned)b;
            threadIdx.x = (unsigned)t;
            body();
        }
    }
}
}  // namespace

// __device__ marks GPU helper functions; on the CPU they are ordinary inline functions.
#define __device__
// CUDA's device functions the kernels use (expf, logf, log1pf, fabsf, tanhf, sinf, cosf, fminf, fmaxf, sqrtf, isinf, isnan,
// INFINITY) are the C library's here.
#define __global__
// The kernel source, in the order the GPU compiles it (DeviceKernels.files).
#include "../CUDA/Kernels/rfm_kernels.cu"
#include "../CUDA/Kernels/rfm_reductions.cu"
#include "../CUDA/Kernels/rfm_random.cu"
#include "../CUDA/Kernels/rfm_method_kernels.cu"

// ---- The kernel table: launch by name, with the driver's parameter convention ----
//
// cuLaunchKernel takes a kernel and an array of pointers, one per parameter, each to the
// parameter's value. The emulated runtime (EmulatedRuntime.swift) launches the same way: it
// looks a kernel up by name here and unpacks the array into a call with the kernel's own types.
// The same table gives every backend its kernels: the names the GPU's module is searched for
// and each kernel's layout, which every launch's arguments are checked against (KernelTable.swift).
// A new kernel of Sources/CUDA/Kernels/*.cu needs one RFM_ENTRY line below and nothing else here.
namespace {
// A parameter's value from its slot; device addresses (pointer parameters) are the emulated
// runtime's, moved out of the host's address space, and are mapped back here.
template <class A> A parameter(void *slot) {
    if constexpr (std::is_pointer<A>::value) {
        unsigned long long address = *static_cast<unsigned long long *>(slot);
        // 0 stays the null pointer (an optional operand left out).
        return address == 0 ? nullptr : reinterpret_cast<A>(address - RFM_EMULATED_ADDRESS_OFFSET);
    } else {
        return *static_cast<A *>(slot);
    }
}

template <class... A, size_t... I>
void invokeWith(void (*kernel)(A...), void **parameters, std::index_sequence<I...>) {
    kernel(parameter<A>(parameters[I])...);
}

template <class... A> struct Invoker {
    static void run(void *kernel, void **parameters) {
        invokeWith(reinterpret_cast<void (*)(A...)>(kernel), parameters, std::index_sequence_for<A...>{});
    }
};

template <class... A> constexpr void (*invokerFor(void (*)(A...)))(void *, void **) { return &Invoker<A...>::run; }

// A parameter's kind in a layout: 'p' a device address, 'i' long long, 'w' unsigned long long,
// 'f' float. Any other type fails to compile here, so every kernel keeps to the 8-byte slots
// (a float in the low four bytes) that the Swift side packs.
template <class A> constexpr char kind() {
    if constexpr (std::is_pointer<A>::value) return 'p';
    else if constexpr (std::is_same<A, long long>::value) return 'i';
    else if constexpr (std::is_same<A, unsigned long long>::value) return 'w';
    else {
        static_assert(std::is_same<A, float>::value, "kernel parameters are pointers, long long, unsigned long long or float");
        return 'f';
    }
}

template <class... A> struct Layout { static constexpr char value[sizeof...(A) + 1] = {kind<A>()..., '\0'}; };

template <class... A> constexpr const char *layoutFor(void (*)(A...)) { return Layout<A...>::value; }

// One kernel: its name, the emulation's compiled copy, the call that unpacks a parameter array
// into it, and its layout (one kind per parameter), all from the kernel's C signature.
struct Entry {
    const char *name;
    void *kernel;
    void (*run)(void *, void **);
    const char *layout;
};

#define RFM_ENTRY(k) {#k, reinterpret_cast<void *>(&k), invokerFor(&k), layoutFor(&k)}
const Entry entries[] = {
    RFM_ENTRY(rfm_gelu),
    RFM_ENTRY(rfm_add_row_vector),
    RFM_ENTRY(rfm_relu),
    RFM_ENTRY(rfm_relu_backward),
    RFM_ENTRY(rfm_scale),
    RFM_ENTRY(rfm_axpy),
    RFM_ENTRY(rfm_blend),
    RFM_ENTRY(rfm_minimum),
    RFM_ENTRY(rfm_sum_columns),
    RFM_ENTRY(rfm_adam),
    RFM_ENTRY(rfm_add),
    RFM_ENTRY(rfm_subtract),
    RFM_ENTRY(rfm_multiply),
    RFM_ENTRY(rfm_tanh),
    RFM_ENTRY(rfm_gelu_backward),
    RFM_ENTRY(rfm_add_column_vector),
    RFM_ENTRY(rfm_add_group_rows),
    RFM_ENTRY(rfm_broadcast_row),
    RFM_ENTRY(rfm_repeat_rows),
    RFM_ENTRY(rfm_gather_rows),
    RFM_ENTRY(rfm_sum_rows),
    RFM_ENTRY(rfm_max_rows),
    RFM_ENTRY(rfm_argmax_rows),
    RFM_ENTRY(rfm_log_sum_exp_rows),
    RFM_ENTRY(rfm_softmax_rows),
    RFM_ENTRY(rfm_mean_std_rows),
    RFM_ENTRY(rfm_group_affine),
    RFM_ENTRY(rfm_group_weighted_sum),
    RFM_ENTRY(rfm_subtract_group_rows),
    RFM_ENTRY(rfm_broadcast_column),
    RFM_ENTRY(rfm_sum_of_squares_partial),
    RFM_ENTRY(rfm_fill_uniform),
    RFM_ENTRY(rfm_fill_normal),
    RFM_ENTRY(rfm_categorical),
    RFM_ENTRY(rfm_sinusoidal_embedding),
    RFM_ENTRY(rfm_reciprocal),
    RFM_ENTRY(rfm_ratio),
    RFM_ENTRY(rfm_squared_ratio),
    RFM_ENTRY(rfm_one_minus),
    RFM_ENTRY(rfm_tanh_log_jacobian),
    RFM_ENTRY(rfm_tanh_score),
    RFM_ENTRY(rfm_control_variate_coefficient),
    RFM_ENTRY(rfm_clamp),
    RFM_ENTRY(rfm_minimum_share),
    RFM_ENTRY(rfm_sum_partial),
    RFM_ENTRY(rfm_squared_difference_partial),
    RFM_ENTRY(rfm_fill),
    RFM_ENTRY(rfm_copy_matrix),
    RFM_ENTRY(rfm_add_matrix),
    RFM_ENTRY(rfm_gather_group_rows),
    RFM_ENTRY(rfm_bias_activation),
    RFM_ENTRY(rfm_add_shares_activation),
    RFM_ENTRY(rfm_tanh_gaussian_sample),
    RFM_ENTRY(rfm_tanh_gaussian_backward),
    RFM_ENTRY(rfm_linear_combination),
    RFM_ENTRY(rfm_scaled_difference),
    RFM_ENTRY(rfm_sqrt),
    RFM_ENTRY(rfm_mish),
    RFM_ENTRY(rfm_mish_backward),
    RFM_ENTRY(rfm_shifted_difference),
    RFM_ENTRY(rfm_add_scalar),
    RFM_ENTRY(rfm_floor),
};
#undef RFM_ENTRY

const Entry *find(const char *name) {
    for (const Entry &e : entries) {
        if (strcmp(e.name, name) == 0) return &e;
    }
    return nullptr;
}
}  // namespace

extern "C" int rfm_kernel_count(void) { return (int)(sizeof(entries) / sizeof(entries[0])); }

extern "C" const char *rfm_kernel_name(int i) { return entries[i].name; }

extern "C" const char *rfm_kernel_layout(const char *name) {
    const Entry *e = find(name);
    return e ? e->layout : nullptr;
}

extern "C" int rfm_emulate_launch(const char *name, void **parameters, int blocks, int threads) {
    const Entry *e = find(name);
    if (!e) return -1;
    launch(blocks, threads, [&] { e->run(e->kernel, parameters); });
    return 0;
}
