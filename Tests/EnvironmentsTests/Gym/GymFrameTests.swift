import Environments
import Testing

/// The bridge's frames byte by byte (no Python needed): the worker reads exactly these.
@Suite struct GymFrameTests {
    @Test func requestsAreLengthPrefixedLittleEndian() {
        var out: [UInt8] = [9, 9, 9]  // reused storage: the old bytes must go
        GymFrame.request(.step, into: &out) { GymFrame.append([Float(1), -2], to: &$0) }
        #expect(out == [9, 0, 0, 0, 0x53, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
        GymFrame.request(.reset, into: &out) { GymFrame.append(UInt64(0x0102_0304_0506_0708), to: &$0) }
        #expect(out == [9, 0, 0, 0, 0x52, 8, 7, 6, 5, 4, 3, 2, 1])
        GymFrame.request(.info, into: &out)
        #expect(out == [1, 0, 0, 0, 0x49])
    }

    @Test func repliesReadBackAndShortOnesThrow() throws {
        var body: [UInt8] = []
        GymFrame.append([Double(-0.25)], to: &body)  // the reward, Float64
        body += [1, 0]
        GymFrame.append([Float(3.5)], to: &body)
        var r = GymFrame.Reader(body)
        let reward = try r.double(), terminated = try r.integer(UInt8.self), truncated = try r.integer(UInt8.self)
        let observation = try r.floats(1)
        #expect(reward == -0.25 && terminated == 1 && truncated == 0 && observation == [3.5] && r.remaining == 0)
        var short = GymFrame.Reader(body, from: body.count - 3)
        #expect(throws: GymFrameError.self) { _ = try short.floats(1) }
    }
}
