import Foundation
import HAONetwork
import HAOSupport

/// Where the test targets find the package, its `Models/` folder and the public data set.
public enum TestPaths {
    /// The package root, found from this file's path (Tests/HAOTestSupport/TestPaths.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped `Models/` directory.
    public static var models: ModelsDirectory { ModelsDirectory(url: packageRoot.appendingPathComponent("Models")) }

    /// The public data set: `../shared/data` next to the package, or `HAO_TEST_DATA` when set
    /// (e.g. to a missing folder, to see which tests need the data). CI always has it.
    public static let sharedData: URL = {
        if let dir = ProcessInfo.processInfo.environment["HAO_TEST_DATA"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    /// A file of the public data set.
    public static func sharedDataFile(_ name: String) -> URL { sharedData.appendingPathComponent(name) }

    /// Whether a file of the public data set is present.
    public static func hasSharedData(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: sharedDataFile(name).path)
    }

    /// Every shipped network, validated, in file-name order.
    public static func shippedNetworks() throws -> [Network] {
        let dir = models.networks
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { try Network.loadValidated(contentsOf: dir.appendingPathComponent($0)) }
    }

    /// A fresh empty temporary directory whose name starts with `prefix`.
    public static func temporaryDirectory(_ prefix: String = "hao-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
