import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Testing
import HAOTestSupport

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

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Output {
        let path = try #require(executable, "the hao executable was not found next to the test bundle")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
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
        return Output(status: process.terminationStatus,
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
        if count > 0 { result.append(contentsOf: buffer[0..<count]); continue }
        if count < 0 && errno == EINTR { continue }
        return result
    }
}
