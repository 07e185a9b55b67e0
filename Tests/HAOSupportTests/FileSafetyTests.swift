import Foundation
import Testing

@testable import HAOSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Linux's dev_t of a (major, minor) pair (glibc's makedev is a macro Swift cannot import).
private func deviceNumber(_ major: UInt64, _ minor: UInt64) -> dev_t {
    dev_t((major & 0xfff) << 8 | (minor & 0xff) | (minor & ~0xff) << 12 | (major & ~0xfff) << 32)
}

/// A fresh temporary folder, removed by the caller.
private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hao-support-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Atomic output files")
struct AtomicFileTests {
    @Test func replacesARegularFileKeepingItsPermissionsAndLeavesNoTempFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("out.json")
        try Data("old".utf8).write(to: file)
        chmod(file.path, 0o640)
        try AtomicFile.write(Data("new".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
        var status = stat()
        stat(file.path, &status)
        #expect(status.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }

    @Test func followsASymbolicLinkAndKeepsIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("real.txt")
        let link = folder.appendingPathComponent("link.txt")
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
    }

    @Test func writesIntoAFIFOInPlaceAndRefusesOneWithoutAReader() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: OutputError.self) { try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: fifo)) }
        // With a reader, the bytes go through the FIFO, which stays a FIFO.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        try AtomicFile.write(Data("hello".utf8), to: URL(fileURLWithPath: fifo))
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = read(reader, &buffer, buffer.count)
        #expect(count == 5)
        var status = stat()
        lstat(fifo, &status)
        #expect(status.st_mode & S_IFMT == S_IFIFO)
    }

    /// A private device node with the numbers of /dev/null (1, 3): the machine's own is never touched.
    @Test func writesIntoACharacterDeviceWithoutReplacingIt() throws {
        guard getuid() == 0 else {
            print("skipping: creating a device node needs root")
            return
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = folder.appendingPathComponent("null").path
        guard mknod(node, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0 else {
            print("skipping: mknod failed (\(errno))")
            return
        }
        try AtomicFile.write(Data("discarded".utf8), to: URL(fileURLWithPath: node))
        var status = stat()
        lstat(node, &status)
        #expect(status.st_mode & S_IFMT == S_IFCHR, "the device node was replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["null"])
        // /dev/full's numbers (1, 7): the write fails with the system's reason.
        let full = folder.appendingPathComponent("full").path
        guard mknod(full, S_IFCHR | 0o666, deviceNumber(1, 7)) == 0 else { return }
        #expect(throws: OutputError(path: full, detail: "No space left on device")) {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: full))
        }
        lstat(full, &status)
        #expect(status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func refusesADirectoryAndAMissingFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: OutputError.self) { try AtomicFile.write(Data(), to: folder) }
        let missing = folder.appendingPathComponent("no/such/file.json")
        do {
            try AtomicFile.write(Data(), to: missing)
            Issue.record("wrote into a missing folder")
        } catch {
            #expect(error.detail.contains("does not exist"), "\(error)")
        }
    }

    @Test func temporaryNamesAreRecognised() {
        #expect(AtomicFile.isTemporaryName(".checkpoint.json.tmp-1234"))
        #expect(AtomicFile.isTemporaryName(AtomicFile.temporaryName(for: "frontier.csv")))
        #expect(!AtomicFile.isTemporaryName("checkpoint.json"))
        #expect(!AtomicFile.isTemporaryName(".checkpoint.json.tmp-"))
        #expect(!AtomicFile.isTemporaryName(".notes.tmp-draft"))
    }
}

@Suite("Input files")
struct InputFileTests {
    @Test func refusesDirectoriesAndDevicesWithWhatTheyAre() throws {
        #expect(throws: InputFileError.unreadable(path: "/tmp", reason: "it is a directory, not a file")) {
            try InputFile.read(URL(fileURLWithPath: "/tmp"))
        }
        #expect(throws: InputFileError.unreadable(path: "/dev/zero", reason: "it is a character device, not a file")) {
            try InputFile.read(URL(fileURLWithPath: "/dev/zero"))
        }
        #expect(throws: InputFileError.notFound(path: "/no/such/file")) { try InputFile.read(URL(fileURLWithPath: "/no/such/file")) }
    }

    @Test func refusesFilesAboveTheLimitAndReadsAFIFOWithoutAWriter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("big.json")
        try Data(repeating: 0x20, count: 2000).write(to: file)
        #expect(throws: InputFileError.self) { try InputFile.read(file, limit: 1000) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try InputFile.read(URL(fileURLWithPath: fifo)).isEmpty)
    }
}

@Suite("JSON syntax")
struct JSONSyntaxTests {
    private func issue(_ text: String) -> JSONSyntaxIssue? {
        do {
            try JSONSyntax.check(Data(text.utf8))
            return nil
        } catch { return error }
    }

    @Test(
        arguments: [
            ("", "the file is empty", nil),
            ("   \n", "the file holds only blanks", nil),
            ("{\"a\": NaN}", "NaN is not a JSON number", "line 1, column 7"),
            ("{\"a\": -Infinity}", "-Infinity is not a JSON number", "line 1, column 7"),
            ("{\"a\": 1,\n \"a\": 2}", "duplicate key 'a' in the top level", "line 2, column 2"),
            ("{\"r\": {\"dsp\": 1, \"d\\u0073p\": 2}}", "duplicate key 'dsp' in 'r'", "line 1, column 18"),
            ("{\"a\": [1, 2,]}", "a value was expected before character ']'", "line 1, column 13"),
            ("{\"a\": 1e400}", "is too large", "line 1, column 7"),
            ("{\"a\": 01}", "must not start with 0", "line 1, column 7"),
            ("// c\n{}", "comments are not allowed", "line 1, column 1"),
            ("{'a': 1}", "keys need double quotes", "line 1, column 2"),
            ("{\"a\": 1} x", "after the end of the JSON value", "line 1, column 10"),
            ("{\"a\": \"x", "is not closed", "line 1, column 7"),
            ("[1, 2", "missing ']'", "line 1, column 6"),
        ] as [(String, String, String?)])
    func faultsAreNamedWithTheirPlace(text: String, detail: String, location: String?) throws {
        let found = try #require(issue(text), "accepted: \(text)")
        #expect(found.detail.contains(detail), "\(found.detail)")
        #expect(found.location == location || location == nil)
    }

    @Test func deepNestingIsRefusedAndValidDocumentsPass() {
        #expect(issue(String(repeating: "[", count: 100_000))?.detail.contains("nested deeper") == true)
        #expect(issue("{\"a\": [1, -2.5e-3, true, false, null, {\"b\": \"\\u00e9\\n\"}], \"c\": {}}") == nil)
        #expect(issue("\u{FEFF}{}") == nil)
    }

    @Test func theLoaderReportsDuplicateKeysInsteadOfKeepingOne() throws {
        struct Device: Decodable { var dsp: Int }
        #expect(
            throws: JSONFileError.invalidJSON(
                source: "'d.json'", location: "line 1, column 12",
                detail: "duplicate key 'dsp' in the top level (each key may appear once)")
        ) {
            try JSONFile.decode(Device.self, from: Data("{\"dsp\": 1, \"dsp\": 2}".utf8), source: "'d.json'")
        }
    }
}
