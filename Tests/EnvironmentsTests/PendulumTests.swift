import Foundation
import Environments
import Testing

@Suite struct PendulumTests {
    /// One step worked out by hand from Gymnasium's Pendulum-v1 equations.
    @Test func oneStepMatchesGymnasiumEquations() {
        let p = Pendulum()
        _ = p.reset(theta: 0.5, thetaDot: -0.3)
        let r = p.step([1.5])
        let u = 1.5, th = 0.5, thd = -0.3
        let expectedCost = th * th + 0.1 * thd * thd + 0.001 * u * u
        let newThd = thd + (3 * 10 / 2 * sin(th) + 3 * u) * 0.05
        #expect(abs(r.reward + expectedCost) < 1e-12)
        #expect(abs(p.thetaDot - newThd) < 1e-12)
        #expect(abs(p.theta - (th + newThd * 0.05)) < 1e-12)
        #expect(r.observation == [Float(cos(p.theta)), Float(sin(p.theta)), Float(p.thetaDot)])
        #expect(!r.terminated && !r.truncated)
    }

    @Test func torqueAndSpeedAreClippedAndAnglesNormalised() {
        let p = Pendulum()
        _ = p.reset(theta: 3.0, thetaDot: 7.9)
        let r = p.step([100])  // clipped to 2
        #expect(p.thetaDot == 8)
        // normalise(3.0) = 3.0, cost uses the clipped torque 2.
        #expect(abs(r.reward + (9 + 0.1 * 7.9 * 7.9 + 0.001 * 4)) < 1e-9)
        _ = p.reset(theta: 4.0, thetaDot: 0)
        let r2 = p.step([0])
        #expect(abs(r2.reward + (4.0 - 2 * Double.pi) * (4.0 - 2 * Double.pi)) < 1e-9)
    }

    @Test func resetsAreSeededAndInRange() {
        let p = Pendulum()
        let a = p.reset(seed: 7), b = p.reset(seed: 7), c = p.reset(seed: 8)
        #expect(a == b && a != c)
        for s in 0..<200 {
            _ = p.reset(seed: UInt64(s))
            #expect(abs(p.theta) <= Double.pi && abs(p.thetaDot) <= 1)
        }
    }

    @Test func timeLimitTruncatesNeverTerminatesAndActionsRescale() throws {
        let env = try EnvironmentRegistry.make("pendulum")
        #expect(env.actionLow == [-1] && env.actionHigh == [1])
        _ = env.reset(seed: 1)
        var steps = 0
        while true {
            let r = env.step([1])  // agent's +1 is the full torque +2
            steps += 1
            #expect(!r.terminated)
            if r.truncated { break }
            #expect(steps < 200)
        }
        #expect(steps == 200)
        #expect(throws: EnvironmentError.self) { _ = try EnvironmentRegistry.make("nope") }
        // Full torque through the wrapper equals torque 2 on the bare environment.
        let wrapped = RescaledActions(Pendulum()), bare = Pendulum()
        _ = wrapped.reset(seed: 3); _ = bare.reset(seed: 3)
        #expect(wrapped.step([1]).reward == bare.step([2]).reward)
    }

    @Test func stateRoundTrips() throws {
        let env = try EnvironmentRegistry.make("pendulum")
        _ = env.reset(seed: 4)
        for _ in 0..<17 { _ = env.step([0.3]) }
        let saved = env.saveState()
        let next = env.step([-0.2])
        try env.restoreState(saved)
        #expect(env.step([-0.2]).observation == next.observation)
    }
}
