import TensorCore

/// The forward (noising) process at one random step per row, shared by every diffusion-model
/// update (``DiffusionPolicy``, QSM, QVPO, MaxEntDP):
///
///     x_t[r] = signal[r] · x[r] + noiseScale[r] · ε[r],    ε ~ N(0, I)
///
/// with (time, signal, noiseScale) of row r drawn first, row by row, and ε drawn after, both from
/// the same stream. The per-row values come from a Float64 schedule or a table lookup, so they are
/// computed on the host (the CPU's numbers on every device) and copied in once: a device's
/// tensors are not written element by element.
struct ForwardNoising {
    /// What the network is conditioned on: a step index, a time in (0, 1] or a log-SNR `[B]`.
    let times: Tensor
    /// The signal coefficient √ᾱ `[B]`.
    let signal: Tensor
    /// The noise coefficient √(1 − ᾱ) `[B]`.
    let noiseScale: Tensor
    /// ε `[B, d]`.
    let noise: Tensor
    /// x_t `[B, d]`.
    let noisy: Tensor

    /// One row's draw: its time, signal and noise coefficients.
    typealias Draw = (time: Float, signal: Float, noiseScale: Float)

    /// Noises `x` `[B, d]`: `draw` is called for rows 0..<B in order (it draws from `rng`), then
    /// ε is filled from `rng`. Every tensor is taken from `workspace`.
    init(_ x: Tensor, workspace: Workspace, rng: inout RandomStream, draw: (inout RandomStream) -> Draw) {
        let b = x.rows
        times = workspace.vector(b)
        signal = workspace.vector(b)
        noiseScale = workspace.vector(b)
        var t = [Float](repeating: 0, count: b), a = t, s = t
        for r in 0..<b {
            (t[r], a[r], s[r]) = draw(&rng)
        }
        times.setValues(t)
        signal.setValues(a)
        noiseScale.setValues(s)
        noise = workspace.matrix(b, x.cols)
        noisy = workspace.matrix(b, x.cols)
        rng.fillNormal(noise)
        Kernels.groupAffine(noise, scale: noiseScale, shift: x, shiftScale: signal, into: noisy)
    }
}
