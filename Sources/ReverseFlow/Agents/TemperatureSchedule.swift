import Foundation

/// The reference's `anneal_temperature`: λ moves log-linearly from `initial` to `final` over
/// `steps` updates and then stays, `λ(n) = exp(log λ₀ + (log λ₁ − log λ₀)·min(n/steps, 1))`.
/// Equal ends (every preset) give a fixed λ.
public struct TemperatureSchedule: Sendable, Equatable {
    public var initial: Float
    public var final: Float
    public var steps: Int

    public init(initial: Float, final: Float, steps: Int) {
        self.initial = initial
        self.final = final
        self.steps = steps
    }

    /// λ after `count` updates.
    public func value(after count: Int) -> Float {
        if initial == final { return initial }
        let fraction = min(max(Float(count) / Float(max(steps, 1)), 0), 1)
        return Foundation.exp(Foundation.log(initial) + (Foundation.log(final) - Foundation.log(initial)) * fraction)
    }
}

extension TemperatureSchedule {
    /// The schema keys of an annealed λ in an agent's `section`: `temperature` (λ₀),
    /// `temperature_final` (λ₁) and `temperature_steps`, with `label` (the agent's name, none
    /// for RFM) leading their help.
    static func keys(of section: String, label: String? = nil) -> [ConfigSchema.Key] {
        let lead = label.map { $0 + " " } ?? ""
        return [
            .init(name: "\(section).temperature", kind: .number(1e-8...1e6), help: lead + "Boltzmann temperature λ"),
            .init(name: "\(section).temperature_final", kind: .number(1e-8...1e6), help: lead + "λ at the end of the annealing"),
            .init(name: "\(section).temperature_steps", kind: .integer(ConfigSchema.positive), help: lead + "updates over which λ is annealed"),
        ]
    }
}
