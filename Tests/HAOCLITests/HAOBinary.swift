import Foundation
import HAOTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the `hao` executable that `swift test` built next to the test bundle.
enum HAOBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: String? {
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argument0.deletingLastPathComponent().appendingPathComponent("hao"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("hao"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("hao"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("hao"))
        }
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The package root, so that commands find `Models/` as a user in a checkout would.
    static var packageRoot: URL { TestPaths.packageRoot }

    /// Runs `hao` with `arguments`. A run longer than `timeout` seconds is killed and recorded
    /// as a test failure (a hang), with status -1.
    static func run(_ arguments: [String], stdin: String? = nil, timeout: Double = 300) throws -> Output {
        let path = try #require(executable, "the hao executable was not found next to the test bundle")
        return try launch(
            URL(fileURLWithPath: path), arguments: arguments, stdin: stdin, timeout: timeout,
            environment: nil, label: arguments.joined(separator: " "))
    }

    /// Runs a bash script with `$HAO` set to the executable (for redirections a Process cannot
    /// express: a closed or full standard output, a pipe whose reader quits).
    static func shell(_ script: String, timeout: Double = 300) throws -> Output {
        let path = try #require(executable, "the hao executable was not found next to the test bundle")
        var environment = ProcessInfo.processInfo.environment
        environment["HAO"] = path
        return try launch(
            URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", script], stdin: nil, timeout: timeout,
            environment: environment, label: script)
    }

    private static func launch(
        _ executable: URL, arguments: [String], stdin: String?, timeout: Double,
        environment: [String: String]?, label: String
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        if let environment { process.environment = environment }
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let timedOut = LockedBox(false)
        let watchdog = DispatchWorkItem {
            timedOut.withLock { $0 = true }
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes at once so that a chatty process cannot fill one and block.
        let errorData = LockedBox(Data())
        let errorRead = DispatchSemaphore(value: 0)
        let errorDescriptor = err.fileHandleForReading.fileDescriptor
        Thread {
            let data = readToEnd(errorDescriptor)
            errorData.withLock { $0 = data }
            errorRead.signal()
        }.start()
        let outData = readToEnd(out.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        errorRead.wait()
        if timedOut.withLock({ $0 }) {
            Issue.record("hung: killed after \(timeout) s: \(label.prefix(300))")
            return Output(
                status: -1, stdout: String(decoding: outData, as: UTF8.self),
                stderr: errorData.withLock { String(decoding: $0, as: UTF8.self) })
        }
        return Output(
            status: process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: errorData.withLock { String(decoding: $0, as: UTF8.self) })
    }

    static func temporaryFile(_ name: String, contents: Data) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hao-cli-\(UUID().uuidString)-\(name)").path
        FileManager.default.createFile(atPath: path, contents: contents)
        return path
    }
}

/// A value shared between threads of a test.
final class LockedBox<Value: Sendable>: Sendable {
    private let value: Synchronization.Mutex<Value>
    init(_ value: Value) { self.value = Synchronization.Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

/// Everything a pipe delivers until its writer closes it. Foundation's `readDataToEndOfFile()`
/// traps when a read is interrupted by a signal (EINTR), which happens under load when child
/// processes exit; this retries instead.
private func readToEnd(_ descriptor: Int32) -> Data {
    var result = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            result.append(contentsOf: buffer[0..<count])
            continue
        }
        if count < 0 && errno == EINTR { continue }
        return result
    }
}
