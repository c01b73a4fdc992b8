import Foundation
import NeuralNet
import Testing
import TensorCore

@Suite struct CheckpointTests {
    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func network(seed: UInt64) -> MLP {
        var rng = RandomStream(seed: seed)
        return MLP.feedForward(inputs: 5, hidden: [6], outputs: 2, activation: .relu, rng: &rng)
    }

    @Test func roundTripRestoresEveryTensorExactly() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("model.safetensors")
        let a = network(seed: 1), b = network(seed: 2)
        try Safetensors.write(ParameterList(a, prefix: "actor").named, metadata: ["step": "7"], to: url)
        let file = try Safetensors.read(from: url)
        #expect(file.metadata["step"] == "7")
        try ParameterList(b, prefix: "actor").load(from: file.tensors)
        for (x, y) in zip(ParameterList(a).tensors, ParameterList(b).tensors) { #expect(x.toArray() == y.toArray()) }
        // No temporary files left behind by the atomic write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])
    }

    @Test func headerIsStandardSafetensors() throws {
        let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let data = try Safetensors.encode([NamedTensor("w", t)])
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(n % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(n)))) as! [String: Any]
        let w = header["w"] as! [String: Any]
        #expect(w["dtype"] as? String == "F32")
        #expect((w["shape"] as? [Int]) == [2, 3])
        #expect((w["data_offsets"] as? [Int]) == [0, 24])
        #expect(data.count == 8 + Int(n) + 24)
    }

    @Test func renamedTensorIsRejectedByName() throws {
        let url = try tempDir().appendingPathComponent("m.safetensors")
        let a = network(seed: 1)
        var named = ParameterList(a).named
        named[2] = NamedTensor("layers.1.weights", named[2].tensor)
        try Safetensors.write(named, to: url)
        let file = try Safetensors.read(from: url)
        #expect(throws: CheckpointError.missingTensor("layers.1.kernel")) { try ParameterList(a).load(from: file.tensors) }
        // Extra names are caught too when everything expected is present.
        try Safetensors.write(ParameterList(a).named + [NamedTensor("stray", Tensor(count: 1))], to: url)
        #expect(throws: CheckpointError.unexpectedTensor("stray")) { try ParameterList(a).load(from: try Safetensors.read(from: url).tensors) }
    }

    @Test func shapeMismatchNamesTheTensor() throws {
        let url = try tempDir().appendingPathComponent("m.safetensors")
        var rng = RandomStream(seed: 3)
        let other = MLP.feedForward(inputs: 5, hidden: [7], outputs: 2, activation: .relu, rng: &rng)
        try Safetensors.write(ParameterList(other).named, to: url)
        let target = network(seed: 1)
        let before = ParameterList(target).tensors[0].toArray()
        #expect(throws: CheckpointError.shapeMismatch(name: "layers.0.kernel", file: [5, 7], expected: [5, 6])) {
            try ParameterList(target).load(from: try Safetensors.read(from: url).tensors)
        }
        // A failed load changes nothing.
        #expect(ParameterList(target).tensors[0].toArray() == before)
    }

    @Test func corruptedAndTruncatedFilesAreRejected() throws {
        let url = try tempDir().appendingPathComponent("m.safetensors")
        try Safetensors.write(ParameterList(network(seed: 1)).named, to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        let good = bytes
        bytes[bytes.count - 3] ^= 0x40  // one flipped bit in the data
        do {
            _ = try Safetensors.decode(Data(bytes), source: "flipped")
            Issue.record("a flipped data bit was not detected")
        } catch let e as CheckpointError {
            #expect(e.description.contains("checksum"))
        }
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(good.prefix(good.count - 10)), source: "truncated") }
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(good.prefix(5)), source: "tiny") }
        var badHeader = good
        badHeader[9] = UInt8(ascii: "!")
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(badHeader), source: "header") }
        #expect(throws: CheckpointError.unreadable("/nonexistent/x.safetensors")) {
            _ = try Safetensors.read(from: URL(fileURLWithPath: "/nonexistent/x.safetensors"))
        }
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let url = try tempDir().appendingPathComponent("f.bin")
        try AtomicFile.write(Data(repeating: 1, count: 1000), to: url)
        try AtomicFile.write(Data([7, 8]), to: url)
        #expect(try Data(contentsOf: url) == Data([7, 8]))
    }
}
