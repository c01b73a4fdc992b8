import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a worker request failed: the worker answered `E`, died, or did not answer in time.
enum GymWorkerError: Error {
    /// The worker refused the request with this one-line message; it is still running.
    case refused(String)
    /// The worker is gone or was killed; the text says how (exit status, signal, timeout).
    case lost(String)
}

/// One Python worker process and the two pipes to it (its stdin and stdout).
///
/// Spawned with `posix_spawnp` rather than Foundation's `Process` to control every descriptor:
/// all four pipe ends are close-on-exec (the child's two become its stdin and stdout
/// through dup2, which clears the flag on the copies), so a second worker (the evaluation one) never holds the first
/// one's pipes open, and the worker sees end of file on stdin the moment this process dies. It
/// runs in a process group of its own, so Ctrl-C at the terminal reaches `rfm` (which checkpoints
/// and stops cleanly) and not the worker. Its stderr goes to a temporary file whose last lines
/// explain a failure.
final class GymWorkerProcess {
    let pid: pid_t
    private let toWorker: Int32
    private let fromWorker: Int32
    private let stderrURL: URL
    private var message: [UInt8] = []
    private var received: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var alive = true

    /// Starts `python -u script args…` (the interpreter looked up in `PATH` when it has no slash).
    init(python: String, script: String, arguments: [String]) throws {
        signal(SIGPIPE, SIG_IGN)  // a write to a dead worker must fail with EPIPE, not kill rfm
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0 else { throw GymWorkerError.lost("pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&output) == 0 else {
            close(input[0]); close(input[1])
            throw GymWorkerError.lost("pipe: \(String(cString: strerror(errno)))")
        }
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-gym-\(getpid())-\(UUID().uuidString).stderr")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = [python, "-u", script] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, python, &actions, &attributes, &cArgs, environ)
        close(input[0]); close(output[1])
        guard rc == 0 else {
            close(input[1]); close(output[0])
            try? FileManager.default.removeItem(at: stderrURL)
            throw GymWorkerError.lost("cannot start '\(python)': \(String(cString: strerror(rc)))")
        }
        pid = child
        toWorker = input[1]
        fromWorker = output[0]
    }

    deinit {
        shutDown()
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// Sends one request and returns the reply's body (after `K`), waiting at most `timeout` seconds.
    func call(_ op: GymFrame.Op, timeout: Double, body: (inout [UInt8]) -> Void = { _ in }) throws -> [UInt8] {
        guard alive else { throw GymWorkerError.lost("the worker was already stopped") }
        GymFrame.request(op, into: &message, body: body)
        try send()
        let deadline = Date().addingTimeInterval(timeout)
        received.removeAll(keepingCapacity: true)
        var need = 4
        while received.count < need {
            try fill(until: deadline, timeout: timeout)
            if need == 4, received.count >= 4 {
                need = 4 + (Int(received[0]) | Int(received[1]) << 8 | Int(received[2]) << 16 | Int(received[3]) << 24)
                guard need > 4 else { throw lost("sent an empty reply") }
            }
        }
        guard received.count == need else { throw lost("sent more than one reply") }
        switch received[4] {
        case GymFrame.ok: return Array(received[5...])
        case GymFrame.error: throw GymWorkerError.refused(String(decoding: received[5...], as: UTF8.self))
        default: throw lost("sent a reply that is not K or E")
        }
    }

    /// One `write` per message: no buffering, and nothing waits for a partial frame.
    private func send() throws {
        var offset = 0
        while offset < message.count {
            let n = message.withUnsafeBytes { write(toWorker, $0.baseAddress! + offset, message.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw lost("closed its input (\(String(cString: strerror(errno))))")
            }
            offset += n
        }
    }

    private func fill(until deadline: Date, timeout: Double) throws {
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                kill(-pid, SIGKILL)  // the whole group: the worker and anything it started
                throw lost("did not answer within \(String(format: "%g", timeout)) s and was killed")
            }
            var fds = pollfd(fd: fromWorker, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, Int32(min(left * 1000, 1e9).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(fromWorker, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw lost("exited") }
            received.append(contentsOf: chunk[0..<n])
            return
        }
    }

    /// Marks the worker lost, reaps it and explains how it ended.
    private func lost(_ what: String) -> GymWorkerError {
        alive = false
        close(toWorker); close(fromWorker)
        let status = reap(waiting: 2)
        return .lost("the Python worker \(what)\(status.map { " (\($0))" } ?? "")")
    }

    /// Waits up to `seconds` for the worker to end (then kills it): how it ended, if known.
    private func reap(waiting seconds: Double) -> String? {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let signalled = status & 0x7F
                return signalled == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(signalled)"
            }
            if r < 0 { return nil }
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return nil
            }
            usleep(10_000)
        }
    }

    /// Asks the worker to close its environment and exit; kills it if it does not within 5 s.
    func shutDown() {
        guard alive else { return }
        _ = try? call(.close, timeout: 5)
        guard alive else { return }
        alive = false
        close(toWorker); close(fromWorker)
        _ = reap(waiting: 2)
    }

    /// The last `count` lines the worker wrote to stderr (a traceback, the environment's own prints).
    func stderrTail(lines count: Int = 10) -> [String] {
        guard let handle = try? FileHandle(forReadingFrom: stderrURL) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 8192 ? size - 8192 : 0)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init))
    }
}
