import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Output that cannot be written: a full disk, a closed standard output, a reader that quits,
/// and output paths that are devices or FIFOs (which must be written in place, never replaced).
@Suite("Output failures are reported, special files are never replaced")
struct OutputSafetyTests {
    /// Commands whose results go to standard output (text and JSON).
    static let producers: [String] = [
        "solve mnasnet_a1", "solve mnasnet_a1 --json", "verify mobilenet_v2_1.0 --bits 4 --max-enumeration 0 --json",
        "baselines --json", "baselines", "devices", "devices --json", "quantize mnasnet_a1 --target-fps 100",
        "quantize mnasnet_a1 --target-fps 100 --json", "export mnasnet_a1 --format arch_def", "export mnasnet_a1 --format json",
        "lp /usr/share/doc/glpk-utils/examples/plan.mps", "lp /usr/share/doc/glpk-utils/examples/plan.mps --json", "--help", "solve --help",
    ]

    private static func glpkExampleMissing(_ command: String) -> Bool {
        command.hasPrefix("lp ") && !FileManager.default.fileExists(atPath: "/usr/share/doc/glpk-utils/examples/plan.mps")
    }

    @Test(arguments: producers)
    func aFullDiskIsOneLineAndStatusOne(_ command: String) throws {
        guard !Self.glpkExampleMissing(command) else { return }
        let result = try HAOBinary.shell("cd \"\(HAOBinary.packageRoot.path)\" && \"$HAO\" \(command) > /dev/full")
        #expect(result.status == 1, "\(command): status \(result.status): \(result.stderr.prefix(400))")
        #expect(
            result.stderr.trimmingCharacters(in: .newlines) == "Error: cannot write to standard output: No space left on device",
            "\(command): \(result.stderr.prefix(400))")
    }

    @Test(arguments: producers)
    func aClosedStandardOutputIsOneLineAndStatusOne(_ command: String) throws {
        guard !Self.glpkExampleMissing(command) else { return }
        let result = try HAOBinary.shell("cd \"\(HAOBinary.packageRoot.path)\" && \"$HAO\" \(command) >&-")
        #expect(result.status == 1, "\(command): status \(result.status): \(result.stderr.prefix(400))")
        #expect(
            result.stderr.trimmingCharacters(in: .newlines) == "Error: cannot write to standard output: it is closed (Bad file descriptor)",
            "\(command): \(result.stderr.prefix(400))")
    }

    /// `hao ... | head`: quiet, status 1, whether the shell ignores SIGPIPE or not.
    @Test(arguments: ["trap '' PIPE;", ""])
    func aBrokenPipeEndsQuietly(_ trap: String) throws {
        for command in ["solve mnasnet_a1 --json", "baselines", "devices --json"] {
            let script =
                "cd \"\(HAOBinary.packageRoot.path)\"; \(trap) \"$HAO\" \(command) 2>/tmp/hao-pipe-$$.err | head -c 10 > /dev/null; "
                + "echo \"status=${PIPESTATUS[0]}\"; cat /tmp/hao-pipe-$$.err; rm -f /tmp/hao-pipe-$$.err"
            let result = try HAOBinary.shell(script)
            #expect(result.stdout.hasPrefix("status=1\n") || result.stdout == "status=0\n", "\(command): \(result.stdout)")
            #expect(!result.stdout.contains("Error") && !result.stdout.contains("Fatal"), "\(command): \(result.stdout)")
        }
    }

    @Test func aSearchSummaryToAFullDiskFailsAfterWritingItsFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hao-full-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try HAOBinary.shell(
            "cd \"\(HAOBinary.packageRoot.path)\" && \"$HAO\" search --population 4 --generations 1 --no-baselines --solver native --out \(dir) > /dev/full"
        )
        #expect(result.status == 1, "status \(result.status): \(result.stderr.suffix(300))")
        #expect(
            result.stderr.hasSuffix("Error: cannot write to standard output: No space left on device\n"), "\(result.stderr.suffix(300))")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/frontier.json"))
    }

    /// A FIFO with a reader is written through; without one the write is refused at once.
    @Test func exportsIntoAFIFOAreWrittenInPlace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("program.mps").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let script =
            "cd \"\(HAOBinary.packageRoot.path)\"; cat \(fifo) > \(folder.path)/received & sleep 0.5; "
            + "\"$HAO\" solve mnasnet_a1 --export-mps \(fifo) > /dev/null; echo \"status=$?\"; wait"
        let result = try HAOBinary.shell(script)
        #expect(result.stdout == "status=0\n", "\(result.stdout) \(result.stderr)")
        var status = stat()
        lstat(fifo, &status)
        #expect(status.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced")
        let received = try String(contentsOfFile: "\(folder.path)/received", encoding: .utf8)
        #expect(received.contains("ROWS") && received.contains("COLUMNS"), "\(received.prefix(200))")
    }

    /// Run as root (as CI runs), an output path that is a character device must stay one. A
    /// private node with /dev/null's numbers stands in for it: the machine's own is never used.
    @Test func outputsIntoACharacterDeviceDoNotReplaceIt() throws {
        guard getuid() == 0 else {
            print("skipping: creating a device node needs root")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hao-dev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = folder.appendingPathComponent("null").path
        let device = dev_t((1 & 0xfff) << 8 | (3 & 0xff))
        guard mknod(node, S_IFCHR | 0o666, device) == 0 else {
            print("skipping: mknod failed")
            return
        }
        for arguments in [
            ["solve", "mnasnet_a1", "--export-mps", node], ["solve", "mnasnet_a1", "--export-lp", node],
            ["export", "mnasnet_a1", "--format", "json", "--out", node],
            ["export", "mnasnet_a1", "--format", "onnx", "--out", node],
        ] {
            let result = try HAOBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            var status = stat()
            lstat(node, &status)
            #expect(status.st_mode & S_IFMT == S_IFCHR, "\(arguments) replaced the device node")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["null"], "temp files were left")
    }
}
