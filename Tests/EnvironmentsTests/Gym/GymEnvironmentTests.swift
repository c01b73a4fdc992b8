import Foundation
import GymTestSupport
import Environments
import Testing

/// The bridge against real Python workers: spaces, seeds, termination vs truncation, refusals
/// and faults. Skipped (with a printed reason) when gymnasium is not importable.
@Suite(.enabled(if: GymTestSupport.available, Comment(rawValue: GymTestSupport.skipReason)), .serialized)
struct GymEnvironmentTests {
    @Test func spacesSeedsAndEpisodeEnds() throws {
        let env = try GymEnvironment(id: "rfm_test_envs:TinyReach", settings: GymTestSupport.settings())
        #expect(env.name == "gym:rfm_test_envs:TinyReach")
        #expect(env.observationSize == 2 && env.actionSize == 1)
        #expect(env.actionLow == [-2] && env.actionHigh == [2])
        let a = env.reset(seed: 7), b = env.reset(seed: 7), c = env.reset(seed: 8)
        #expect(a == b && a != c)
        // Full throttle leaves |x| ≤ 2.5 within 25 steps: terminated, not truncated.
        var last = env.step([2])
        var steps = 1
        while !last.terminated && !last.truncated { last = env.step([2]); steps += 1 }
        #expect(last.terminated && !last.truncated && steps < 25)
        // Standing still reaches the 25-step limit: truncated, not terminated.
        _ = env.reset(seed: 7)
        steps = 0
        repeat { last = env.step([0]); steps += 1 } while !last.terminated && !last.truncated
        #expect(last.truncated && !last.terminated && steps == 25)
        // The reward is the environment's: −(x′ − t)² with x′ = x + 0.1·a.
        let start = env.reset(seed: 3)
        let r = env.step([1.5])
        let x = Double(start[0]) + 0.15, t = Double(start[1])
        #expect(abs(r.reward + (x - t) * (x - t)) < 1e-5)
        #expect(env.fault == nil)
    }

    /// `gym:package/Name-v0` imports `package`, which registers the id.
    @Test func namespacedIdImportsItsPackage() throws {
        let env = try EnvironmentRegistry.make("gym:rfm_test_envs/TinyReach-v0", settings: GymTestSupport.settings())
        #expect(env.actionLow == [-1] && env.actionHigh == [1])  // RescaledActions in front
        _ = env.reset(seed: 1)
        #expect(env.step([1]).observation.count == 2)
    }

    @Test(arguments: [
        ("CartPole-v1", "Discrete(2)"),
        ("rfm_test_envs:DiscreteActions", "Discrete(3)"),
        ("rfm_test_envs:Unbounded", "unbounded"),
        ("rfm_test_envs:NoSuchThing", "no attribute 'NoSuchThing'"),
    ])
    func unsuitableEnvironmentsAreRefusedInOneLine(id: String, problem: String) {
        do {
            _ = try GymEnvironment(id: id, settings: GymTestSupport.settings())
            Issue.record("gym:\(id) was accepted")
        } catch {
            let message = "\(error)"
            #expect(!message.contains("\n"), "\(message)")
            #expect(message.contains("gym:\(id)") && message.contains(problem), "\(message)")
        }
    }

    @Test func aCrashNamesTheEnvironmentAndTheWorkersStderr() throws {
        let env = try GymEnvironment(id: "rfm_test_envs:Crashing", settings: GymTestSupport.settings())
        _ = env.reset(seed: 0)
        var steps = 0
        while env.fault == nil && steps < 200 {
            if env.step([0]).truncated { _ = env.reset(seed: 0) }
            steps += 1
        }
        let message = "\(try #require(env.fault))"
        #expect(message.contains("gym:rfm_test_envs:Crashing") && message.contains("exit status 3"), "\(message)")
        #expect(message.contains("crashing on purpose at step 130"), "\(message)")
        // Every later call answers at once, as a terminal step.
        #expect(env.step([0]).terminated)
    }

    @Test func aHangIsTimedOut() throws {
        let env = try GymEnvironment(id: "rfm_test_envs:Hanging", settings: GymTestSupport.settings(timeout: 1))
        _ = env.reset(seed: 0)
        let clock = ContinuousClock.now
        for _ in 0..<3 { _ = env.step([0]) }
        #expect(ContinuousClock.now - clock < .seconds(10))
        let message = "\(try #require(env.fault))"
        #expect(message.contains("gym:rfm_test_envs:Hanging") && message.contains("did not answer within 1 s"), "\(message)")
    }

    @Test func aNaNObservationIsAFault() throws {
        let env = try GymEnvironment(id: "rfm_test_envs:NaNObservation", settings: GymTestSupport.settings())
        _ = env.reset(seed: 0)
        _ = env.step([0])
        #expect(env.fault == nil)
        _ = env.step([0])
        let message = "\(try #require(env.fault))"
        #expect(message.contains("gym:rfm_test_envs:NaNObservation") && message.contains("nan"), "\(message)")
    }

    /// Gymnasium's Pendulum-v1 and the Swift `pendulum`: the same transition from the same state
    /// under the same torque, along 3 × 100 steps (both reset to the native state before each
    /// step, so float32 rounding of Gymnasium's torque term does not compound in a chaotic system).
    @Test func pendulumAgreesWithTheNativePort() throws {
        let gym = try GymEnvironment(id: "Pendulum-v1", settings: GymTestSupport.settings())
        let native = Pendulum()
        #expect(gym.observationSize == 3 && gym.actionLow == native.actionLow && gym.actionHigh == native.actionHigh)
        for (theta, thetaDot) in [(0.5, -0.3), (3.0, 7.5), (-2.0, 0.0)] {
            _ = gym.reset(seed: 0)  // Gymnasium's 200-step TimeLimit counts from here
            _ = native.reset(theta: theta, thetaDot: thetaDot)
            for k in 0..<100 {
                let o = try gym.setState([native.theta, native.thetaDot])
                for i in 0..<3 { #expect(abs(o[i] - native.observation[i]) < 1e-6) }
                let u = Float(2.5 * sin(Double(k) * 0.37 + theta))  // beyond ±2 at times: both clip
                let g = gym.step([u]), n = native.step([u])
                for i in 0..<3 { #expect(abs(g.observation[i] - n.observation[i]) < 1e-5, "step \(k) entry \(i)") }
                #expect(abs(g.reward - n.reward) < 1e-5 * max(1, abs(n.reward)), "step \(k)")
                #expect(!g.terminated && !g.truncated)
            }
        }
        #expect(gym.fault == nil)
    }
}
