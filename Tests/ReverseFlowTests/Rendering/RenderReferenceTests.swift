import Environments
import Foundation
import MuJoCo
import ReverseFlow
import Testing

/// Frames of fixed states rendered by dm_control 1.0.34's `physics.render` (recorded by
/// scripts/reference/render_reference.py, which scripts/test.sh runs and points
/// `RFM_RENDER_REFERENCE_DIR` at), against the Swift renderer on the same states, cameras and size.
///
/// Skipped, with the reason printed, when the reference folder is not given or there is no
/// off-screen GL. Both sides run MuJoCo's renderer on Mesa's llvmpipe, so the frames agree to the
/// last bit on one machine; the tolerance (mean absolute difference under 0.5 of 255, at most 0.5 %
/// of channel values off by more than 8) leaves room for the reference coming from another GL.
@Suite("MuJoCo renderer against dm_control's physics.render")
struct RenderReferenceTests {
    struct Case: Decodable { let task: String; let qpos: [Double]; let camera: Int; let width: Int; let height: Int; let file: String }

    @Test("Fixed states look the same as in dm_control (free camera and model cameras)")
    func matchesDMControl() throws {
        guard let dir = ProcessInfo.processInfo.environment["RFM_RENDER_REFERENCE_DIR"], !dir.isEmpty else {
            print("skipped: RFM_RENDER_REFERENCE_DIR is not set (scripts/test.sh records dm_control's frames)")
            return
        }
        do { _ = try OffscreenGL.shared() } catch {
            print("skipped: \(error)")
            return
        }
        let folder = URL(fileURLWithPath: dir)
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))
        #expect(cases.count >= 5)
        for c in cases {
            let reference = try Self.readPPM(folder.appendingPathComponent(c.file))
            #expect(reference.width == c.width && reference.height == c.height)
            let env = try ControlSuite.make(c.task)
            let physics = env.physics
            physics.reset()
            for (i, q) in c.qpos.enumerated() { physics.qpos[i] = q }
            for i in 0 ..< physics.nv { physics.qvel[i] = 0 }
            physics.forward()
            let renderer = try Renderer(physics: physics, width: c.width, height: c.height)
            try renderer.setCamera(c.camera)
            let ours = renderer.render()
            var sum = 0, far = 0, worst = 0
            for (a, b) in zip(ours, reference.rgb) {
                let d = abs(Int(a) - Int(b))
                sum += d
                worst = max(worst, d)
                if d > 8 { far += 1 }
            }
            let mean = Double(sum) / Double(ours.count), farShare = Double(far) / Double(ours.count)
            print(String(format: "render %@ camera %d on %@: mean |Δ| %.4f, %.4f %% of values off by > 8, worst %d",
                         c.task, c.camera, renderer.gl, mean, 100 * farShare, worst))
            #expect(mean < 0.5, "\(c.file): mean absolute difference \(mean)")
            #expect(farShare < 0.005, "\(c.file): \(100 * farShare) % of values differ by more than 8")
        }
    }

    /// A binary PPM (P6, maxval 255) as written by the reference script.
    static func readPPM(_ url: URL) throws -> Frame {
        let data = try Data(contentsOf: url)
        var fields: [String] = [], i = 0, current = ""
        while fields.count < 4, i < data.count {
            let ch = Character(UnicodeScalar(data[i]))
            if ch.isWhitespace { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(ch) }
            i += 1
        }
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
              data.count - i == 3 * w * h else { throw VideoError("\(url.path) is not a 24-bit binary PPM") }
        return Frame(width: w, height: h, rgb: [UInt8](data[i...]))
    }
}

@Suite("Rendering every task")
struct RenderEveryTaskTests {
    @Test("Every DeepMind Control task renders from the free camera and from each of its own cameras")
    func everyTask() throws {
        do { _ = try OffscreenGL.shared() } catch {
            print("skipped: \(error)")
            return
        }
        for name in ControlSuite.names {
            let env = try EnvironmentRegistry.make(name)
            _ = env.reset(seed: 1)
            let camera = try EnvironmentCamera(environment: env, width: 64, height: 48)
            #expect(camera.controlTimestep > 0)
            let suite = try ControlSuite.make(name)
            suite.physics.reset()
            suite.physics.forward()
            let renderer = try Renderer(physics: suite.physics, width: 64, height: 48)
            #expect(renderer.cameraCount >= 1, "\(name): dm_control's models define cameras")
            for id in -1 ..< renderer.cameraCount {
                try renderer.setCamera(id)
                let rgb = renderer.render()
                #expect(rgb.count == 3 * 64 * 48)
                #expect(Set(rgb).count > 8, "\(name) camera \(id): a flat frame")
            }
            #expect(throws: RenderError.self) { try renderer.setCamera(renderer.cameraCount) }
        }
    }
}
