import Foundation

/// Why the shipped `Models/` directory could not be found.
public enum ModelsDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A directory given explicitly (option or environment variable) does not exist or
    /// does not look like a models directory.
    case notAModelsDirectory(path: String, origin: String)
    /// No candidate location held a models directory.
    case notFound(searched: [String])

    /// One line for the user saying where was looked and how to point the tool at the directory (`--models-dir` or `HAO_MODELS`).
    public var description: String {
        switch self {
        case .notAModelsDirectory(let path, let origin):
            return "\(origin) '\(path)' is not a models directory (it needs a 'devices' or 'networks' subdirectory)"
        case .notFound(let searched):
            return "cannot find the Models directory; searched: \(searched.joined(separator: ", ")). "
                + "Pass --models-dir DIR or set HAO_MODELS to the repository's Models directory"
        }
    }
}

/// The `Models/` directory the product ships: `devices/`, `networks/`, `spaces/`, `predictors/`.
///
/// Resolution order: an explicit path, then the `HAO_MODELS` environment variable, then
/// `./Models` in the current directory, then `Models` in the executable's directory or any
/// of its ancestors (so `.build/debug/hao` finds the repository's `Models/` from anywhere).
/// An explicit path or `HAO_MODELS` that is wrong is an error rather than silently skipped.
public struct ModelsDirectory: Sendable, Hashable {
    /// The directory itself.
    public let url: URL

    /// Uses `url` as the models directory without checking it.
    public init(url: URL) {
        self.url = url
    }

    /// `devices/`: FPGA device descriptions (JSON), one per board.
    public var devices: URL { url.appendingPathComponent("devices", isDirectory: true) }
    /// `networks/`: the shipped networks in the project's network format.
    public var networks: URL { url.appendingPathComponent("networks", isDirectory: true) }
    /// `spaces/`: search-space definitions (`hao-space-v1`).
    public var spaces: URL { url.appendingPathComponent("spaces", isDirectory: true) }
    /// `predictors/`: accuracy predictor models (the shipped one is a `hao-accuracy-kernel-v1` file).
    public var predictors: URL { url.appendingPathComponent("predictors", isDirectory: true) }

    /// The environment variable naming the models directory.
    public static let environmentVariable = "HAO_MODELS"

    /// Finds the models directory. The defaults read the process's environment, working
    /// directory and executable; tests pass their own.
    public static func locate(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: URL? = Bundle.main.executableURL
    ) throws(ModelsDirectoryError) -> ModelsDirectory {
        if let explicit {
            let url = URL(
                fileURLWithPath: explicit, isDirectory: true, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
            ).standardizedFileURL
            guard isModelsDirectory(url) else { throw .notAModelsDirectory(path: explicit, origin: "--models-dir") }
            return ModelsDirectory(url: url)
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            let url = URL(
                fileURLWithPath: fromEnvironment, isDirectory: true, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
            ).standardizedFileURL
            guard isModelsDirectory(url) else { throw .notAModelsDirectory(path: fromEnvironment, origin: environmentVariable) }
            return ModelsDirectory(url: url)
        }
        var searched: [String] = []
        let local = URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("Models", isDirectory: true)
        searched.append(local.path)
        if isModelsDirectory(local) { return ModelsDirectory(url: local.standardizedFileURL) }
        if let executable {
            var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            // Bounded walk: a path has finitely many components; 64 guards against a
            // pathological URL that never reaches the root.
            for _ in 0..<64 {
                let candidate = directory.appendingPathComponent("Models", isDirectory: true)
                searched.append(candidate.path)
                if isModelsDirectory(candidate) { return ModelsDirectory(url: candidate.standardizedFileURL) }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        throw .notFound(searched: searched)
    }

    /// A directory counts as a models directory when it has `devices/` or `networks/`.
    public static func isModelsDirectory(_ url: URL) -> Bool {
        func isDirectory(_ url: URL) -> Bool {
            var flag: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
        }
        return isDirectory(url.appendingPathComponent("devices")) || isDirectory(url.appendingPathComponent("networks"))
    }
}
