import Foundation

/// An exclusive lock on a run folder, held by the one process that trains in it.
///
/// `RUN/.lock` is opened and locked with `flock(LOCK_EX | LOCK_NB)`; the holder writes its process
/// id into it so that a refused writer can name it. The kernel drops the lock when the holder
/// exits, however it exits (a kill included), so a stale file never blocks a later run. Readers
/// (`rfm eval`, `rfm report`) take no lock and write nothing.
public final class RunLock {
    public static let fileName = ".lock"
    private let descriptor: Int32
    public let url: URL

    /// Takes the lock on `runDirectory` (which must exist), or throws ``RunLockError/held`` naming
    /// the holder's process id.
    public init(_ runDirectory: URL) throws {
        url = runDirectory.appendingPathComponent(Self.fileName)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunLockError.unavailable(url.path, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let why = errno
            let holder = Self.holder(fd)
            close(fd)
            if why == EWOULDBLOCK { throw RunLockError.held(runDirectory.path, pid: holder) }
            throw RunLockError.unavailable(url.path, String(cString: strerror(why)))
        }
        descriptor = fd
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The process id written by the lock's holder, if it has written one yet.
    private static func holder(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why a run folder could not be locked.
public enum RunLockError: Error, CustomStringConvertible, Equatable {
    case held(String, pid: Int?)
    case unavailable(String, String)

    public var description: String {
        switch self {
        case .held(let dir, let pid?):
            "run folder '\(dir)' is in use by process \(pid) (another rfm train); wait for it or stop it first"
        case .held(let dir, nil):
            "run folder '\(dir)' is in use by another process (another rfm train); wait for it or stop it first"
        case .unavailable(let path, let why): "cannot lock '\(path)': \(why)"
        }
    }
}
