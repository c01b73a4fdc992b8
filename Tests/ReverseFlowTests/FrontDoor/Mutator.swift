import Foundation
import TensorCore

/// A seeded mutation engine for the front-door fuzz tests: starts from valid inputs (a corpus)
/// and applies a few random edits, biased towards the tokens the parsers care about, so that most
/// inputs get past the first check and reach the deeper ones. Deterministic for a seed.
struct Mutator {
    var rng: RandomStream
    let dictionary: [[UInt8]]

    init(seed: UInt64, dictionary: [String]) {
        rng = RandomStream(seed: seed, stream: 77)
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : rng.integer(below: n) }

    /// One input: a corpus entry with one to eight edits.
    mutating func mutate(_ corpus: [[UInt8]]) -> [UInt8] {
        var bytes = corpus[below(corpus.count)]
        for _ in 0...below(8) { edit(&bytes, corpus: corpus) }
        return bytes
    }

    mutating func edit(_ bytes: inout [UInt8], corpus: [[UInt8]]) {
        let at = below(bytes.count + 1)
        switch below(9) {
        case 0 where !bytes.isEmpty:  // flip a bit
            bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
        case 1 where !bytes.isEmpty:  // replace a byte with an interesting one
            let interesting: [UInt8] = [0, 0x0A, 0x20, 0x22, 0x27, 0x2D, 0x3A, 0x5B, 0x7B, 0x26, 0x2A, 0x21, 0x23, 0x7F, 0xFF]
            bytes[min(at, bytes.count - 1)] = interesting[below(interesting.count)]
        case 2, 3:  // insert a dictionary token
            bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: at)
        case 4 where !bytes.isEmpty:  // delete a run of bytes
            let n = min(1 + below(16), bytes.count - min(at, bytes.count - 1))
            bytes.removeSubrange(min(at, bytes.count - 1)..<(min(at, bytes.count - 1) + n))
        case 5 where bytes.count > 1:  // duplicate a chunk (repetition grows nesting and lists)
            let start = below(bytes.count), n = 1 + below(min(64, bytes.count - start))
            bytes.insert(contentsOf: bytes[start..<(start + n)], at: at)
        case 6:  // splice another corpus entry's tail
            let other = corpus[below(corpus.count)]
            let cut = below(other.count + 1)
            bytes = Array(bytes.prefix(at)) + Array(other.suffix(from: cut))
        case 7 where !bytes.isEmpty:  // replace a digit run with an extreme number
            let numbers = ["0", "-1", "1e309", "-9223372036854775808", "9223372036854775807", "18446744073709551616",
                           "1e11", "nan", ".inf", "0x7fffffff", "3.5", "-0"]
            bytes.insert(contentsOf: Array(numbers[below(numbers.count)].utf8), at: at)
        default:  // truncate
            bytes = Array(bytes.prefix(at))
        }
    }
}

/// The fuzz budget: `RFM_FUZZ_SECONDS` per surface (default 8, what CI runs) and `RFM_FUZZ_SEED`.
enum FuzzBudget {
    static var seconds: Double { ProcessInfo.processInfo.environment["RFM_FUZZ_SECONDS"].flatMap(Double.init) ?? 8 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["RFM_FUZZ_SEED"].flatMap(UInt64.init) ?? 0 }

    /// The peak resident memory of this process so far, in bytes (`VmHWM`).
    static func peakResidentBytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
        return kib * 1024
    }
}
