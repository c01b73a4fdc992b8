/// The CUDA C source of the backend's elementwise kernels, compiled once at start-up by NVRTC
/// for the GPU in hand (``CUDADevice``). Each mirrors a CPU kernel of `TensorCore.Kernels` and
/// computes the same formula, so the two backends agree to float rounding.
enum DeviceKernels {
    /// Kernel names in ``source``.
    static let gelu = "rfm_gelu"
    static let addRowVector = "rfm_add_row_vector"

    static let source = """
    // GELU, tanh form, as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3): the CPU's
    // Kernels.gelu formula. y may alias x.
    extern "C" __global__ void rfm_gelu(const float* x, float* y, long long n) {
        for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
            float v = x[i];
            float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);
            float e = expf(-2.0f * fminf(fmaxf(u, -43.5f), 43.5f));
            y[i] = v / (1.0f + e);
        }
    }

    // m[r, c] += v[c] for a row-major [rows, cols] matrix.
    extern "C" __global__ void rfm_add_row_vector(const float* v, float* m, long long rows, long long cols) {
        long long n = rows * cols;
        for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
            m[i] += v[i % cols];
        }
    }
    """
}
