import Foundation
import HAONetwork
import HAOSupport
import Testing

@Suite struct ModelsDirectoryTests {
    /// A fake repository: root/Models/devices and root/.build/debug/hao.
    private func fakeRepository() throws -> (root: URL, executable: URL) {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Models/devices"), withIntermediateDirectories: true)
        let debug = root.appendingPathComponent(".build/debug", isDirectory: true)
        try FileManager.default.createDirectory(at: debug, withIntermediateDirectories: true)
        return (root, debug.appendingPathComponent("hao"))
    }

    @Test func explicitPathWins() throws {
        let (root, executable) = try fakeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try ModelsDirectory.locate(
            explicit: modelsURL.path, environment: ["HAO_MODELS": root.appendingPathComponent("Models").path],
            currentDirectory: "/", executable: executable)
        #expect(found.url.standardizedFileURL.path == modelsURL.standardizedFileURL.path)
    }

    @Test func environmentBeatsTheSearch() throws {
        let (root, executable) = try fakeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try ModelsDirectory.locate(
            environment: ["HAO_MODELS": modelsURL.path], currentDirectory: root.path, executable: executable)
        #expect(found.url.standardizedFileURL.path == modelsURL.standardizedFileURL.path)
    }

    @Test func currentDirectoryThenExecutableAncestors() throws {
        let (root, executable) = try fakeRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let fromCwd = try ModelsDirectory.locate(environment: [:], currentDirectory: root.path, executable: nil)
        #expect(fromCwd.url.resolvingSymlinksInPath().path == root.appendingPathComponent("Models").resolvingSymlinksInPath().path)
        let fromExecutable = try ModelsDirectory.locate(environment: [:], currentDirectory: "/", executable: executable)
        #expect(fromExecutable.url.resolvingSymlinksInPath().path == root.appendingPathComponent("Models").resolvingSymlinksInPath().path)
        #expect(fromExecutable.devices.lastPathComponent == "devices")
    }

    @Test func clearErrors() throws {
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ModelsDirectoryError.notAModelsDirectory(path: empty.path, origin: "--models-dir")) {
            try ModelsDirectory.locate(explicit: empty.path, environment: [:], currentDirectory: "/", executable: nil)
        }
        #expect(throws: ModelsDirectoryError.notAModelsDirectory(path: "/no/such", origin: "HAO_MODELS")) {
            try ModelsDirectory.locate(environment: ["HAO_MODELS": "/no/such"], currentDirectory: "/", executable: nil)
        }
        do {
            _ = try ModelsDirectory.locate(
                environment: [:], currentDirectory: empty.path,
                executable: empty.appendingPathComponent("bin/hao"))
            Issue.record("expected notFound")
        } catch {
            #expect(error.description.contains("HAO_MODELS"))
            #expect(error.description.contains("--models-dir"))
        }
    }
}
