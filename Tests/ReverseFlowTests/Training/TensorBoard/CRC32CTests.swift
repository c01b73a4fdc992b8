import ReverseFlow
import Testing

/// CRC-32C against published vectors (RFC 3720, appendix B.4, and the usual check value), and
/// its TFRecord mask.
@Suite struct CRC32CTests {
    @Test func matchesPublishedVectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8, wrapping.
    @Test func masksAsTensorFlowDoes() {
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }
}
