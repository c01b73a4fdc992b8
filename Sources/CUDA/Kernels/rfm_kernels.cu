// The CUDA backend's elementwise kernels: CUDA C, compiled at start-up by NVRTC for the GPU in
// hand (Sources/CUDA/NVRTC.swift) and, on every machine, by the host C++ compiler through the
// emulation layer of Sources/CUDAEmulation, whose tests check each kernel against the CPU kernel
// of TensorCore.Kernels that it mirrors. So a kernel here must compile as CUDA C and, with the
// emulation's definitions of __global__, blockIdx, blockDim, threadIdx and gridDim, as C++:
// grid-stride loops over global memory, no shared memory or barriers (a kernel that needs them
// gets its own emulation).
//
// Parameters are device addresses and 64-bit integers only (the launcher passes 8-byte values).

// y = GELU(x), tanh form, computed as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3):
// Kernels.gelu's formula, with the same clamp of -2u to [-87, 87]. y may alias x.
extern "C" __global__ void rfm_gelu(const float* x, float* y, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float v = x[i];
        float a = -2.0f * 0.7978845608028654f * (v + 0.044715f * v * v * v);
        float e = expf(fminf(fmaxf(a, -87.0f), 87.0f));
        y[i] = v / (1.0f + e);
    }
}

// m[r, c] += v[c] for a row-major [rows, cols] matrix: Kernels.addRowVector.
extern "C" __global__ void rfm_add_row_vector(const float* v, float* m, long long rows, long long cols) {
    long long n = rows * cols;
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        m[i] += v[i % cols];
    }
}
