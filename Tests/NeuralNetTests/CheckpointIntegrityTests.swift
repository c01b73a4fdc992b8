import Foundation
import NeuralNet
import TensorCore
import Testing

/// The whole-file checksum and the header's bounds: any flipped bit, a renamed checksum key or an
/// impossible shape is one `CheckpointError`, never a silent load or a crash.
@Suite struct CheckpointIntegrityTests {
    static func file(metadata: [String: String] = ["trainer_state": "{\"step\":1000,\"seed\":7}"]) throws -> [UInt8] {
        let t = Tensor(rows: 3, cols: 4)
        for i in 0..<t.count { t.data[i] = Float(i) * 0.5 }
        return [UInt8](try Safetensors.encode([NamedTensor("agent.w", t), NamedTensor("replay.r", Tensor(rows: 2, cols: 1))], metadata: metadata))
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int {
        8 + Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }

    @Test func everyHeaderBitFlipIsCaught() throws {
        let good = try Self.file()
        _ = try Safetensors.decode(Data(good), source: "good")
        let end = Self.headerEnd(good)
        var accepted: [Int] = []
        for position in 0..<end {
            for bit in [0, 3, 6] {
                var bytes = good
                bytes[position] ^= UInt8(1 << bit)
                if (try? Safetensors.decode(Data(bytes), source: "flipped")) != nil { accepted.append(position) }
            }
        }
        #expect(accepted.isEmpty, "flips accepted at header bytes \(accepted)")
    }

    /// The reproduction from the issue: `"step":1000` edited to `3000` in the trainer state.
    @Test func editedTrainerStateIsCaught() throws {
        let edited = Self.replacing(#"\"step\":1000"#, with: #"\"step\":3000"#, in: try Self.file())
        do {
            _ = try Safetensors.decode(Data(edited), source: "edited")
            Issue.record("an edited trainer state was accepted")
        } catch let e as CheckpointError {
            #expect(e.description.contains("checksum"))
        }
    }

    /// Renaming the checksum key no longer turns the check off; a file from another program is
    /// read only when the caller says so.
    @Test func missingChecksumIsAnErrorUnlessAllowed() throws {
        let renamed = Self.replacing("file_crc32", with: "flie_crc32", in: try Self.file())
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(renamed), source: "renamed") }
        let foreign = Self.foreign(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 8)
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(foreign, source: "foreign") }
        let read = try Safetensors.decode(foreign, source: "foreign", verification: .ifPresent)
        #expect(read.tensors["w"]?.shape == [2])
    }

    /// A checkpoint from an rfm build before the whole-file checksum (metadata `data_crc32`, the
    /// data's CRC-32 in lower-case hex without leading zeros) is read, so the runs those builds
    /// started resume; its data is still checked.
    @Test func checkpointsWithTheEarlierDataChecksumAreReadAndChecked() throws {
        let data: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]  // 1.0 and 2.0
        let crc = String(CRC32.checksum(data), radix: 16)
        func legacy(_ digits: String, _ body: [UInt8]) -> Data {
            var file = Self.foreign(header: #"{"__metadata__":{"data_crc32":"\#(digits)","format":"rfm-checkpoint-1"},"#
                                        + #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 0)
            file.append(contentsOf: body)
            return file
        }
        let read = try Safetensors.decode(legacy(crc, data), source: "legacy")
        #expect(read.tensors["w"]?.values == [1, 2])
        var flipped = data
        flipped[5] ^= 1
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(legacy(crc, flipped), source: "legacy, flipped") }
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(legacy("zz", data), source: "legacy, bad digits") }
    }

    /// `bytes` with the first occurrence of `old` replaced by `new` (same length), byte for byte.
    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let (o, n) = (Array(old.utf8), Array(new.utf8))
        precondition(o.count == n.count)
        var out = bytes
        let at = (0...(bytes.count - o.count)).first { Array(bytes[$0..<($0 + o.count)]) == o }!
        out.replaceSubrange(at..<(at + o.count), with: n)
        return out
    }

    static func foreign(header: String, data: Int) -> Data {
        var out = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(Data(count: data))
        return out
    }

    /// Shapes and offsets whose products or differences overflow are errors, not traps.
    @Test(arguments: [
        #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
        #"{"w":{"dtype":"F32","shape":[3037000500,3037000500],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-9223372036854775807,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
        #"{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
        #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}"#,
        #"{"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
    ])
    func impossibleHeadersAreErrors(header: String) {
        #expect(throws: CheckpointError.self) {
            _ = try Safetensors.decode(Self.foreign(header: header, data: 8), source: "hostile", verification: .ifPresent)
        }
    }

    @Test func oversizedHeaderLengthIsAnError() {
        var bytes = [UInt8](repeating: 0xFF, count: 8) + Array("{}".utf8)
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(bytes), source: "long") }
        bytes[7] = 0x7F
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(bytes), source: "long") }
    }

    /// `including` leaves tensors out of the result but not out of the checksum.
    @Test func selectiveReadStillChecksTheWholeFile() throws {
        var bytes = try Self.file()
        let agentOnly = try Safetensors.decode(Data(bytes), source: "ok", including: { $0.hasPrefix("agent.") })
        #expect(Set(agentOnly.tensors.keys) == ["agent.w"])
        bytes[bytes.count - 1] ^= 1  // in the replay tensor, which is not materialised
        #expect(throws: CheckpointError.self) { _ = try Safetensors.decode(Data(bytes), source: "x", including: { $0.hasPrefix("agent.") }) }
    }

    @Test func writeErrorsSayWhyInPlainWords() {
        #expect(FileWriteError(path: "/x", CocoaError(.fileWriteOutOfSpace)).reason == String(cString: strerror(ENOSPC)))
        #expect(FileWriteError(path: "/x", POSIXError(.EROFS)).description == "cannot write '/x': \(String(cString: strerror(EROFS)))")
        #expect(throws: FileWriteError.self) { try AtomicFile.write(Data([1]), to: URL(fileURLWithPath: "/proc/rfm-no-such/x")) }
    }
}
