import Foundation

/// dm_control's `rewards.tolerance`: 1 inside `bounds`, falling off outside them by a sigmoid of
/// the distance to the nearest bound measured in units of `margin`.
///
/// With `margin == 0` the value is 1 inside the bounds and 0 outside. Otherwise, for the
/// distance `d = dist(x, bounds) / margin`, the sigmoid is scaled so that its value at `d = 1`
/// is `valueAtMargin` (0.1 by default, as in dm_control).
public enum Tolerance {
    public enum Sigmoid: Sendable {
        case gaussian, hyperbolic, longTail, reciprocal, cosine, linear, quadratic, tanhSquared
    }

    public static func value(_ x: Double, bounds: (Double, Double) = (0, 0), margin: Double = 0,
                             sigmoid: Sigmoid = .gaussian, valueAtMargin: Double = 0.1) -> Double {
        let (lower, upper) = bounds
        precondition(lower <= upper, "Tolerance: lower bound must be <= upper bound")
        precondition(margin >= 0, "Tolerance: margin must be non-negative")
        let inBounds = lower <= x && x <= upper
        if inBounds { return 1 }
        if margin == 0 { return 0 }
        let d = (x < lower ? lower - x : x - upper) / margin
        return shape(d, valueAtMargin, sigmoid)
    }

    /// The sigmoid `s(d)` with `s(0) = 1` and `s(1) = v`.
    static func shape(_ x: Double, _ v: Double, _ sigmoid: Sigmoid) -> Double {
        switch sigmoid {
        case .gaussian:
            let scale = (-2 * log(v)).squareRoot()
            return exp(-0.5 * (x * scale) * (x * scale))
        case .hyperbolic:
            return 1 / cosh(x * acosh(1 / v))
        case .longTail:
            let scale = (1 / v - 1).squareRoot()
            return 1 / ((x * scale) * (x * scale) + 1)
        case .reciprocal:
            return 1 / (abs(x) * (1 / v - 1) + 1)
        case .cosine:
            let scaled = x * acos(2 * v - 1) / Double.pi
            return abs(scaled) < 1 ? (1 + cos(Double.pi * scaled)) / 2 : 0
        case .linear:
            let scaled = x * (1 - v)
            return abs(scaled) < 1 ? 1 - scaled : 0
        case .quadratic:
            let scaled = x * (1 - v).squareRoot()
            return abs(scaled) < 1 ? 1 - scaled * scaled : 0
        case .tanhSquared:
            let t = tanh(x * atanh((1 - v).squareRoot()))
            return 1 - t * t
        }
    }
}
