import Environments
import Foundation
import ReverseFlow

/// The return that a normalised score of 1 stands for, per environment family, so a report can
/// average tasks whose returns live on different scales.
///
/// Every DeepMind Control task runs 1,000 control steps per episode with a reward in [0, 1] per
/// step, so its episode return lies in [0, 1000] and return / 1000 is the natural score.
/// Gym's Pendulum has no such bound: its reward is a cost, −(θ² + 0.1 θ̇² + 0.001 u²), whose
/// best return depends on the random start and is never reached, so it has no normaliser and is
/// left out of normalised averages.
public enum ScoreNormaliser {
    /// The maximum episode return of every DeepMind Control Suite task.
    public static let controlSuiteMaximum = 1000.0

    /// The return that scores 1 on `task`, or nil when its family has no fixed maximum.
    public static func maximum(for task: String) -> Double? {
        ControlSuite.spec(named: task) != nil ? controlSuiteMaximum : nil
    }
}
