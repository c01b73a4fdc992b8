import Foundation

/// The backend's elementwise kernels: CUDA C in `Kernels/rfm_kernels.cu` (a resource of this
/// module), compiled once at start-up by NVRTC for the GPU in hand (``CUDADevice``). Each mirrors
/// a CPU kernel of `TensorCore.Kernels`; the `CUDAEmulation` target compiles the same file for the
/// CPU so the tests check the formulas on any machine.
public enum DeviceKernels {
    /// Kernel names in the source.
    public static let gelu = "rfm_gelu"
    public static let addRowVector = "rfm_add_row_vector"
    public static let relu = "rfm_relu"
    public static let reluBackward = "rfm_relu_backward"
    public static let scale = "rfm_scale"
    public static let axpy = "rfm_axpy"
    public static let blend = "rfm_blend"
    public static let minimum = "rfm_minimum"
    public static let sumColumns = "rfm_sum_columns"
    public static let adam = "rfm_adam"
    public static let add = "rfm_add"
    public static let subtract = "rfm_subtract"
    public static let multiply = "rfm_multiply"
    public static let tanh = "rfm_tanh"
    public static let geluBackward = "rfm_gelu_backward"
    public static let addColumnVector = "rfm_add_column_vector"
    public static let addGroupRows = "rfm_add_group_rows"
    public static let broadcastRow = "rfm_broadcast_row"
    public static let repeatRows = "rfm_repeat_rows"
    public static let gatherRows = "rfm_gather_rows"
    public static let sumRows = "rfm_sum_rows"
    public static let maxRows = "rfm_max_rows"
    public static let argmaxRows = "rfm_argmax_rows"
    public static let logSumExpRows = "rfm_log_sum_exp_rows"
    public static let softmaxRows = "rfm_softmax_rows"
    public static let meanStdRows = "rfm_mean_std_rows"
    public static let groupAffine = "rfm_group_affine"
    public static let groupWeightedSum = "rfm_group_weighted_sum"
    public static let subtractGroupRows = "rfm_subtract_group_rows"
    public static let broadcastColumn = "rfm_broadcast_column"
    public static let sumOfSquaresPartial = "rfm_sum_of_squares_partial"
    public static let fillUniform = "rfm_fill_uniform"
    public static let fillNormal = "rfm_fill_normal"
    public static let categorical = "rfm_categorical"
    public static let sinusoidalEmbedding = "rfm_sinusoidal_embedding"
    public static let reciprocal = "rfm_reciprocal"
    public static let ratio = "rfm_ratio"
    public static let squaredRatio = "rfm_squared_ratio"
    public static let oneMinus = "rfm_one_minus"
    public static let tanhLogJacobian = "rfm_tanh_log_jacobian"
    public static let tanhScore = "rfm_tanh_score"
    public static let controlVariateCoefficient = "rfm_control_variate_coefficient"
    public static let minimumShare = "rfm_minimum_share"
    public static let clamp = "rfm_clamp"
    public static let sumPartial = "rfm_sum_partial"
    public static let squaredDifferencePartial = "rfm_squared_difference_partial"
    public static let fill = "rfm_fill"
    public static let copyMatrix = "rfm_copy_matrix"
    public static let addMatrix = "rfm_add_matrix"
    public static let gatherGroupRows = "rfm_gather_group_rows"
    public static let biasActivation = "rfm_bias_activation"
    public static let addSharesActivation = "rfm_add_shares_activation"
    public static let tanhGaussianSample = "rfm_tanh_gaussian_sample"
    public static let tanhGaussianBackward = "rfm_tanh_gaussian_backward"
    public static let linearCombination = "rfm_linear_combination"
    public static let scaledDifference = "rfm_scaled_difference"
    public static let squareRoot = "rfm_sqrt"
    public static let mish = "rfm_mish"
    public static let mishBackward = "rfm_mish_backward"
    public static let shiftedDifference = "rfm_shifted_difference"
    public static let addScalar = "rfm_add_scalar"
    public static let floor = "rfm_floor"
    /// Every kernel of the source (the kernel table's names).
    public static var all: [String] { KernelTable.names }

    /// The CUDA C source.
    public static func source() throws -> String {
        guard let url = Bundle.module.url(forResource: "rfm_kernels", withExtension: "cu", subdirectory: "Kernels"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CUDAError("the kernel source Kernels/rfm_kernels.cu is missing from the CUDA module's resources "
                            + "(keep the ReverseFlowMatching_CUDA.resources folder next to the rfm binary)")
        }
        return text
    }
}
