/// The layout of a MuJoCo environment's ``Environment/saveState()``: the physics' integration
/// state (``Physics/integrationState()``), then the environment's own values (a Control Suite
/// task's variables, a Gymnasium task's progress), then their count, so that a state of any
/// length splits back without knowing the model.
enum SavedPhysicsState {
    /// `integration + extras + [extras.count]`.
    static func join(integration: [Double], extras: [Double]) -> [Double] {
        integration + extras + [Double(extras.count)]
    }

    /// The two parts of a state made by ``join(integration:extras:)``; a state whose last value
    /// is no count of what precedes it throws ``EnvironmentError/badState(_:)`` naming `environment`.
    static func split(_ state: [Double], environment: String) throws -> (integration: [Double], extras: [Double]) {
        guard let last = state.last, last >= 0, Int(last) < state.count else {
            throw EnvironmentError.badState("\(environment): malformed state")
        }
        let n = Int(last)
        let body = state.dropLast()
        return (Array(body.dropLast(n)), Array(body.suffix(n)))
    }
}
