import Foundation

/// Writes files so that a reader (or a crash) sees either the old contents or the new, never a
/// mixture: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary is renamed over the destination (an atomic step on POSIX file systems); then the
/// folder itself is flushed so the rename survives a power cut.
///
/// A failure throws ``FileWriteError``, which names the file and says why in plain words (a full
/// disk is "no space left on device", not a Foundation error code).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        do {
            try writeUnchecked(data, to: url)
        } catch let error as FileWriteError {
            throw error
        } catch {
            throw FileWriteError(path: url.path, error)
        }
    }

    private static func writeUnchecked(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        close(fd)
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(tmp.path, url.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
        let dirFD = open(dir.path, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }
}

/// Why a file could not be written: its path and the reason in plain words.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// Translates Foundation's and POSIX's errors (`NSCocoaErrorDomain` 640 is a full disk).
    public init(path: String, _ error: Error) {
        self.init(path: path, reason: Self.reason(for: error))
    }

    public var description: String { "cannot write '\(path)': \(reason)" }

    static func reason(for error: Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        guard ns.domain == NSCocoaErrorDomain else { return ns.localizedDescription }
        switch ns.code {
        case CocoaError.fileWriteOutOfSpace.rawValue: return String(cString: strerror(ENOSPC))
        case CocoaError.fileWriteVolumeReadOnly.rawValue: return String(cString: strerror(EROFS))
        case CocoaError.fileWriteNoPermission.rawValue: return String(cString: strerror(EACCES))
        case CocoaError.fileNoSuchFile.rawValue: return String(cString: strerror(ENOENT))
        default: return ns.localizedDescription
        }
    }
}
