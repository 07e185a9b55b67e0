import Foundation
import HAONetwork
import HAOSupport

/// Why a device could not be found, read or accepted, or a utilisation cap is invalid.
public enum DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No device has this part name or alias. `known` lists "alias (board)" entries.
    case unknownDevice(name: String, known: [String])
    /// A device file does not exist.
    case fileNotFound(path: String)
    /// A device file or directory could not be read.
    case unreadable(path: String, reason: String)
    /// A device file is not valid JSON or not a device.
    case invalidFile(path: String, reason: String)
    /// A device's field holds an unusable value.
    case invalidValue(device: String, field: String, message: String)
    /// The catalogue directory does not exist.
    case directoryNotFound(path: String)
    /// The catalogue directory holds no device files.
    case emptyCatalogue(path: String)
    /// Two devices share a part name or alias (matching ignores case).
    case duplicateName(name: String, first: String, second: String)
    /// More than one device is marked as the default.
    case multipleDefaults([String])
    /// A utilisation-cap fraction outside (0, 1].
    case invalidCap(resource: String, value: Double)
    /// A utilisation-cap string that does not parse.
    case malformedCap(text: String, reason: String)

    /// One line for the user: what is wrong, with the path or field at fault, and for an unknown device the known names.
    public var description: String {
        switch self {
        case .unknownDevice(let name, let known):
            return "unknown device '\(name)'; known devices: \(known.joined(separator: ", ")); or pass the path of a device JSON file"
        case .fileNotFound(let path):
            return "device file not found: '\(path)'"
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .invalidFile(let path, let reason):
            return "invalid device file '\(path)': \(reason)"
        case .invalidValue(let device, let field, let message):
            return "invalid device \(device): \(field) \(message)"
        case .directoryNotFound(let path):
            return "device directory not found: '\(path)'"
        case .emptyCatalogue(let path):
            return "no device files (*.json) in '\(path)'"
        case .duplicateName(let name, let first, let second):
            return "device name '\(name)' is used by both \(first) and \(second)"
        case .multipleDefaults(let parts):
            return "more than one device is marked default: \(parts.joined(separator: ", "))"
        case .invalidCap(let resource, let value):
            return "utilisation cap for \(resource) must be in (0, 1] (a fraction of the device total); got \(value)"
        case .malformedCap(let text, let reason):
            return "cannot read utilisation cap '\(text)': \(reason); write e.g. '0.9' or 'lut=0.9,bram18=0.95'"
        }
    }
}

extension Device {
    /// The short name shown to users: the first alias, else the part in lower case.
    public var shortName: String { aliases.first ?? part.lowercased() }

    /// Every name the device answers to, lower-cased: its part and its aliases.
    public var names: [String] { [part.lowercased()] + aliases.map { $0.lowercased() } }

    /// Largest count of any one resource accepted. The largest Xilinx parts have about
    /// 4.1 million LUTs and 8.2 million flip-flops (Virtex UltraScale+ VU19P, DS890), and
    /// 12,288 DSP slices (VU13P); 10^7 admits all of them while keeping every resource sum
    /// and the budget arithmetic far from integer overflow.
    public static let maximumResourceCount = 10_000_000
    /// Accepted accelerator clocks, MHz. FPGA fabric clocks are a few hundred MHz (DSP48E2's
    /// maximum is under 900 MHz); outside this range the figure is a typo or a unit error
    /// (Hz, GHz), and cycle counts derived from it could overflow.
    public static let clockRangeMHz: ClosedRange<Double> = 1...2000
    /// Accepted DDR bandwidths, GB/s: from 10 MB/s (far below any DDR interface) to 10 TB/s
    /// (above any HBM part); the memory cycles computed from it stay finite and bounded.
    public static let bandwidthRangeGBps: ClosedRange<Double> = 0.01...10_000

    /// Checks that the figures are usable: a name, resources in 1...10^7 (URAM in 0...10^7),
    /// a clock in 1...2000 MHz and a DDR bandwidth in 0.01...10000 GB/s.
    public func validate() throws(DeviceError) {
        let label = part.isEmpty ? "(unnamed)" : part
        func fail(_ field: String, _ message: String) -> DeviceError {
            .invalidValue(device: label, field: field, message: message)
        }
        if part.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("part", "must not be empty") }
        if board.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("board", "must not be empty") }
        for alias in aliases where alias.trimmingCharacters(in: .whitespaces).isEmpty {
            throw fail("aliases", "must not contain an empty name")
        }
        let counts = [
            ("resources.dsp", resources.dsp), ("resources.bram18", resources.bram18),
            ("resources.lut", resources.lut), ("resources.ff", resources.ff),
        ]
        let most = Self.maximumResourceCount
        for (field, value) in counts {
            if value <= 0 { throw fail(field, "must be positive; got \(value)") }
            if value > most { throw fail(field, "must be at most \(most); got \(value)") }
        }
        if resources.uram < 0 { throw fail("resources.uram", "must not be negative; got \(resources.uram)") }
        if resources.uram > most { throw fail("resources.uram", "must be at most \(most); got \(resources.uram)") }
        if !clockMHz.isFinite || clockMHz <= 0 { throw fail("clock_mhz", "must be a finite positive number; got \(clockMHz)") }
        if !Self.clockRangeMHz.contains(clockMHz) {
            throw fail(
                "clock_mhz",
                "must be between \(Self.plain(Self.clockRangeMHz.lowerBound)) and \(Self.plain(Self.clockRangeMHz.upperBound)) MHz; got \(clockMHz)"
            )
        }
        if !ddrBandwidthGBps.isFinite || ddrBandwidthGBps <= 0 {
            throw fail("ddr_bandwidth_gbps", "must be a finite positive number; got \(ddrBandwidthGBps)")
        }
        if !Self.bandwidthRangeGBps.contains(ddrBandwidthGBps) {
            throw fail(
                "ddr_bandwidth_gbps",
                "must be between \(Self.plain(Self.bandwidthRangeGBps.lowerBound)) and \(Self.plain(Self.bandwidthRangeGBps.upperBound)) GB/s; got \(ddrBandwidthGBps)"
            )
        }
    }

    /// 2000 rather than 2000.0 in messages.
    private static func plain(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }

    /// Reads and validates one device JSON file (the format of `Models/devices/`).
    public static func load(contentsOf url: URL) throws(DeviceError) -> Device {
        let path = url.path
        let device: Device
        do {
            device = try JSONFile.load(
                Device.self, from: url, integerFields: ["dsp", "bram18", "uram", "lut", "ff"].map { ["resources", $0] })
        } catch {
            switch error {
            case .fileNotFound: throw .fileNotFound(path: path)
            case .unreadable(_, let reason): throw .unreadable(path: path, reason: reason)
            case .wrongValue(_, let field, let detail) where field == "family" && !detail.hasPrefix("expected"):
                let known = DeviceFamily.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidFile(path: path, reason: "unknown family; expected one of \(known)")
            default: throw .invalidFile(path: path, reason: error.reason)
            }
        }
        try device.validate()
        return device
    }
}

/// The devices the tool knows: the shipped `Models/devices/*.json` and any a user adds.
///
/// Lookup accepts a part name or an alias, ignoring case (`XCZU3EG`, `zu3eg`, `ultra96`).
public struct DeviceCatalogue: Sendable, Hashable {
    /// The devices, sorted by part name.
    public let devices: [Device]

    /// A catalogue of the given devices; each is validated and names must be unique: no two
    /// devices may share a part name or alias (ignoring case), not even two copies of one part.
    public init(devices: [Device]) throws(DeviceError) {
        try self.init(devices: devices, origins: nil)
    }

    /// `origins[i]` names where device i came from (its file), for the duplicate-name message;
    /// without it devices are named by part (and position, when two have the same part).
    init(devices: [Device], origins: [String]?) throws(DeviceError) {
        let parts = devices.map(\.part)
        func label(_ i: Int) -> String {
            if let origins { return origins[i] }
            let samePart = parts.indices.filter { parts[$0] == parts[i] }.count > 1
            return samePart ? "\(parts[i]) (device \(i + 1) of \(devices.count))" : parts[i]
        }
        var owner: [String: Int] = [:]
        for (index, device) in devices.enumerated() {
            try device.validate()
            // A name repeated within one device (part XCZU3EG and alias xczu3eg) is harmless.
            for name in device.names {
                if let first = owner[name], first != index {
                    throw .duplicateName(name: name, first: label(first), second: label(index))
                }
                owner[name] = index
            }
        }
        let defaults = devices.filter(\.isDefault).map(\.part)
        if defaults.count > 1 { throw .multipleDefaults(defaults) }
        self.devices = devices.sorted { $0.part < $1.part }
    }

    /// Loads every `*.json` file in `directory`.
    public static func load(directory: URL) throws(DeviceError) -> DeviceCatalogue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryNotFound(path: directory.path)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(path: directory.path, reason: error.localizedDescription)
        }
        let files = names.filter { $0.lowercased().hasSuffix(".json") }.sorted()
        guard !files.isEmpty else { throw .emptyCatalogue(path: directory.path) }
        var devices: [Device] = []
        var origins: [String] = []
        for file in files {
            let url = directory.appendingPathComponent(file)
            devices.append(try Device.load(contentsOf: url))
            origins.append("\(devices[devices.count - 1].part) in '\(url.path)'")
        }
        return try DeviceCatalogue(devices: devices, origins: origins)
    }

    /// Loads the catalogue of a models directory (its `devices/` folder).
    public static func load(models: ModelsDirectory) throws(DeviceError) -> DeviceCatalogue {
        try load(directory: models.devices)
    }

    /// The device marked default, else the first by part name.
    public var defaultDevice: Device {
        devices.first(where: \.isDefault) ?? devices[0]
    }

    /// The device with this part name or alias, ignoring case and surrounding spaces.
    public func device(named name: String) throws(DeviceError) -> Device {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let found = devices.first(where: { $0.names.contains(key) }) { return found }
        throw .unknownDevice(name: name, known: devices.map { "\($0.shortName) (\($0.board))" })
    }

    /// What a `--device` option means: nothing gives the default device; a name known to
    /// the catalogue gives that device; otherwise, a value that names an existing file or
    /// ends in `.json` is read as the user's own device file.
    public func resolve(_ nameOrPath: String?) throws(DeviceError) -> Device {
        guard let nameOrPath, !nameOrPath.isEmpty else { return defaultDevice }
        do {
            return try device(named: nameOrPath)
        } catch {
            let looksLikeFile =
                nameOrPath.lowercased().hasSuffix(".json") || nameOrPath.contains("/")
                || FileManager.default.fileExists(atPath: nameOrPath)
            if looksLikeFile { return try Device.load(contentsOf: URL(fileURLWithPath: nameOrPath)) }
            throw error
        }
    }
}

// `UtilisationCap` itself (fractions of DSP, BRAM18, LUT and FF; `.standard`, `.none`,
// `budget(of:)`) is declared with the cost model in CostModel.swift. What follows adds the
// checks and the command-line form that user input needs.
extension UtilisationCap {
    /// Checks every fraction lies in (0, 1]; a cap outside that range is a user error.
    public func validate() throws(DeviceError) {
        for (name, value) in [("dsp", dsp), ("bram18", bram18), ("lut", lut), ("ff", ff)] {
            guard value.isFinite, value > 0, value <= 1 else { throw .invalidCap(resource: name, value: value) }
        }
    }

    /// A validated cap with the same fraction for every resource.
    public static func uniform(_ fraction: Double) throws(DeviceError) -> UtilisationCap {
        let cap = UtilisationCap(dsp: fraction, bram18: fraction, lut: fraction, ff: fraction)
        try cap.validate()
        return cap
    }

    /// The cap in the command-line form ``init(parsing:)`` reads back exactly
    /// (`dsp=1.0,bram18=1.0,lut=0.9,ff=1.0`), for handing a run's cap to another process.
    public var argument: String { "dsp=\(dsp),bram18=\(bram18),lut=\(lut),ff=\(ff)" }

    /// Parses a command-line cap: a single fraction for all resources (`0.9`, or `90%`), or
    /// comma-separated `resource=fraction` pairs (`lut=0.9,bram18=95%`) with resources
    /// `dsp`, `bram18`, `lut`, `ff`; resources not named stay at 1 (no cap). Validated.
    public init(parsing text: String) throws(DeviceError) {
        func fraction(_ raw: Substring) throws(DeviceError) -> Double {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            let isPercent = trimmed.hasSuffix("%")
            guard let value = Double(isPercent ? String(trimmed.dropLast()) : trimmed) else {
                throw .malformedCap(text: text, reason: "'\(trimmed)' is not a number")
            }
            return isPercent ? value / 100 : value
        }
        if !text.contains("=") {
            self = try .uniform(try fraction(Substring(text)))
            return
        }
        var cap = UtilisationCap.none
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw .malformedCap(text: text, reason: "'\(pair)' is not resource=fraction") }
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = try fraction(parts[1])
            switch name {
            case "dsp": cap.dsp = value
            case "bram18": cap.bram18 = value
            case "lut": cap.lut = value
            case "ff": cap.ff = value
            default: throw .malformedCap(text: text, reason: "unknown resource '\(name)' (use dsp, bram18, lut, ff)")
            }
        }
        try cap.validate()
        self = cap
    }
}
