import Foundation

/// Any Gymnasium environment, run in a Python worker process (`gym:ENV_ID` on the command line).
///
/// The worker (`GymWorker/rfm_gym_worker.py`) owns the environment; this class sends it resets
/// and actions as binary frames (``GymFrame``) and receives flattened Float32 observations, the
/// reward and Gymnasium's own `terminated` / `truncated` flags (its `TimeLimit` truncates, so no
/// Swift ``TimeLimit`` is added). Actions arrive in the environment's bounds (``RescaledActions``
/// maps the agent's [−1, 1] onto them).
///
/// Environment methods cannot throw, so a failure mid-run (the worker dies, hangs past the
/// timeout, raises, or returns a non-finite observation) is kept in ``fault``: the failing call
/// returns a terminal zero step, later calls return at once, and the trainer checks ``fault``
/// after each call and stops. The state of a Python environment cannot be saved, so
/// ``saveState()`` is empty and a resumed run begins a new episode.
public final class GymEnvironment: Environment {
    public let name: String
    public let observationSize: Int
    public let actionSize: Int
    public let actionLow: [Float]
    public let actionHigh: [Float]
    public private(set) var fault: EnvironmentError?
    let settings: GymSettings
    private let worker: GymWorkerProcess

    /// Starts a worker for `id` (what follows `gym:`) and reads its spaces; a refused or missing
    /// environment throws one line naming it.
    public init(id: String, settings: GymSettings = GymSettings()) throws {
        name = "gym:\(id)"
        self.settings = settings
        let kwargs = try settings.checkedKwargs()
        let script = try GymSettings.workerScript()
        let named = name
        func failure(_ error: GymWorkerError, _ worker: GymWorkerProcess?) -> EnvironmentError {
            switch error {
            case .refused(let why): return .badModel(named, why)
            case .lost(let why):
                let tail = worker?.stderrTail(lines: 3) ?? []
                return .badModel(named, why + (tail.isEmpty ? "" : "; its stderr ends: " + tail.joined(separator: " | ")))
            }
        }
        do {
            worker = try GymWorkerProcess(python: settings.python, script: script, arguments: [id, kwargs])
        } catch let error as GymWorkerError {
            throw failure(error, nil)
        }
        do {
            var r = GymFrame.Reader(try worker.call(.info, timeout: max(settings.timeout, GymSettings.startupAllowance)))
            observationSize = Int(try r.integer(UInt32.self))
            actionSize = Int(try r.integer(UInt32.self))
            actionLow = try r.floats(actionSize)
            actionHigh = try r.floats(actionSize)
        } catch let error as GymWorkerError {
            throw failure(error, worker)
        } catch {
            throw EnvironmentError.badModel(name, "the worker's description of its spaces is too short")
        }
    }

    public func reset(seed: UInt64) -> [Float] {
        guard fault == nil else { return zeroObservation }
        return checked("reset(seed=\(seed))") {
            try worker.call(.reset, timeout: settings.timeout) { GymFrame.append(seed, to: &$0) }
        } decode: { r in try r.floats(observationSize) } ?? zeroObservation
    }

    public func step(_ action: [Float]) -> StepResult {
        guard fault == nil else { return failedStep }
        return checked("step") {
            try worker.call(.step, timeout: settings.timeout) { GymFrame.append(action, to: &$0) }
        } decode: { r in
            let reward = try r.double()
            let terminated = try r.integer(UInt8.self) != 0, truncated = try r.integer(UInt8.self) != 0
            let observation = try r.floats(observationSize)
            guard reward.isFinite else { throw GymWorkerError.refused("the reward is \(reward)") }
            return StepResult(observation: observation, reward: reward, terminated: terminated, truncated: truncated)
        } ?? failedStep
    }

    /// Sets `env.unwrapped.state` and returns the observation of it: a test hook for classic
    /// control environments (Pendulum's `[θ, θ̇]`), to compare dynamics from the same state.
    public func setState(_ state: [Double]) throws -> [Float] {
        if let fault { throw fault }
        let observation = checked("set state") {
            try worker.call(.setState, timeout: settings.timeout) { GymFrame.append(state, to: &$0) }
        } decode: { r in try r.floats(observationSize) }
        if let fault { throw fault }
        return observation!
    }

    /// Python environments cannot be captured: nothing is saved, and a resume starts an episode.
    public func saveState() -> [Double] { [] }

    public func restoreState(_ state: [Double]) throws {
        guard state.isEmpty else { throw EnvironmentError.badState("\(name) runs in Python and cannot restore a saved state") }
    }

    /// The last lines the worker wrote to stderr.
    public func stderrTail(lines: Int = 10) -> [String] { worker.stderrTail(lines: lines) }

    private var zeroObservation: [Float] { [Float](repeating: 0, count: observationSize) }
    private var failedStep: StepResult { StepResult(observation: zeroObservation, reward: 0, terminated: true, truncated: false) }

    /// Runs one request; a failure, or an observation that is not finite, becomes ``fault``.
    private func checked<T>(_ what: String, _ call: () throws -> [UInt8], decode: (inout GymFrame.Reader) throws -> T) -> T? {
        do {
            var r = GymFrame.Reader(try call())
            let value = try decode(&r)
            if r.remaining != 0 { throw GymWorkerError.refused("the reply to \(what) has \(r.remaining) bytes too many") }
            let observation = (value as? StepResult)?.observation ?? (value as? [Float]) ?? []
            if let bad = observation.firstIndex(where: { !$0.isFinite }) {
                throw GymWorkerError.refused("observation entry \(bad) is \(observation[bad])")
            }
            return value
        } catch GymWorkerError.refused(let why) {
            fault = .workerFailed(name, "\(why) (in \(what))", stderr: [])
            worker.shutDown()
        } catch GymWorkerError.lost(let why) {
            fault = .workerFailed(name, "\(why) during \(what)", stderr: worker.stderrTail())
        } catch {
            fault = .workerFailed(name, "the reply to \(what) is too short", stderr: [])
            worker.shutDown()
        }
        return nil
    }
}
