/// The hardware targets the tool knows, the default first.
public enum HardwareTargets {
    /// Every target. Adding one: its folder under `Targets/` (its ``HardwareTarget`` conformer)
    /// and one line here.
    public static let all: [any HardwareTarget.Type] = [
        SubgraphTarget.self,
        DPUTarget.self,
    ]

    /// The target used when none is named.
    public static var standard: any HardwareTarget.Type { all[0] }

    /// Every target's name, in `all`'s order.
    public static var names: [String] { all.map { $0.id.rawValue } }

    /// The target named `name` (case-insensitive), if any.
    public static func named(_ name: String) -> (any HardwareTarget.Type)? {
        all.first { $0.id.rawValue == name.lowercased() }
    }

    /// Builds the target `id` for `settings`.
    public static func make(_ id: TargetID, settings: TargetSettings) throws(HardwareError) -> any HardwareTarget {
        guard let type = named(id.rawValue) else {
            throw .invalidOption("unknown target '\(id)'; known targets: \(names.joined(separator: ", "))")
        }
        return try type.init(settings: settings)
    }
}
