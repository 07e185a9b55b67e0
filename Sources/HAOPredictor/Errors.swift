/// Why a search space file, a point or a network does not fit a ``SearchSpace``.
public enum SearchSpaceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The space file could not be read or decoded.
    case unreadable(path: String, reason: String)
    /// The space definition itself is inconsistent.
    case invalidSpace(String)
    /// A point is not in the space; the message names the offending field.
    case pointOutsideSpace(String)
    /// A network cannot be expressed in the space; the message names what differs.
    case networkOutsideSpace(network: String, reason: String)

    /// One line for the user naming the file and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read search space '\(path)': \(reason)"
        case .invalidSpace(let reason): return "invalid search space: \(reason)"
        case .pointOutsideSpace(let reason): return "point outside the search space: \(reason)"
        case .networkOutsideSpace(let network, let reason): return "network '\(network)' is outside the search space: \(reason)"
        }
    }
}

/// Why a predictor model could not be loaded, trained or applied.
public enum PredictorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is JSON but not a model this version understands, or it is damaged.
    case corruptedModel(path: String, reason: String)
    /// The model's `format` names a version this build does not know.
    case unknownFormat(path: String, format: String)
    /// A data file given to training is malformed (row and column named).
    case badData(file: String, line: Int, reason: String)
    /// A data file has a header that no reader recognises.
    case unrecognisedData(file: String, header: String)
    /// Training cannot proceed (e.g. no labelled rows).
    case training(String)
    /// A user sensitivity file is malformed.
    case badSensitivity(path: String, reason: String)
    /// The model has no constants for the requested training regime.
    case regimeUnavailable(regime: String, reason: String)

    /// One line for the user: the file (and line, for training data) when there is one, and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read predictor model '\(path)': \(reason)"
        case .corruptedModel(let path, let reason): return "predictor model '\(path)' is corrupted or malformed: \(reason)"
        case .unknownFormat(let path, let format):
            return
                "predictor model '\(path)' has unknown format '\(format)' (this build reads \(KernelModelFile.formatName) and \(DenseMLP.formatName))"
        case .badData(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .unrecognisedData(let file, let header): return "\(file): unrecognised data file (header: \(header))"
        case .training(let reason): return "training failed: \(reason)"
        case .badSensitivity(let path, let reason): return "sensitivity file '\(path)': \(reason)"
        case .regimeUnavailable(let regime, let reason): return "quantization regime '\(regime)' unavailable: \(reason)"
        }
    }
}
