import ArgumentParser
import Foundation
import HAOHardware
import HAONetwork
import HAOSupport

/// `hao devices`: the device catalogue.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the FPGA devices in the catalogue (Models/devices) with their resources, clock and DDR bandwidth.",
        discussion: """
            The default device, used when --device is not given, is marked with '*'. Resources are the \
            vendor totals (Xilinx DS891, DS190); clock and bandwidth are the defaults justified in \
            Models/devices/README.md. Any command taking --device also accepts the path of your own \
            device JSON file in the same format.

            Examples:
              hao devices
              hao devices --json
              hao devices --models-dir /path/to/Models
            """
    )

    @Flag(name: .long, help: "Print the catalogue as JSON.")
    var json = false

    @OptionGroup var modelsOptions: ModelsOptions

    // swift-format-ignore: AlwaysUseLowerCamelCase
    // Property names are the JSON keys of this documented output; renaming them would change the output.
    /// One device as `--json` prints it.
    struct Entry: Encodable {
        var part: String
        var board: String
        var aliases: [String]
        var family: String
        var isDefault: Bool
        var resources: Resources
        var clock_mhz: Double
        var ddr_bandwidth_gbps: Double
        var sources: [String]

        enum CodingKeys: String, CodingKey {
            case part, board, aliases, family, resources, clock_mhz, ddr_bandwidth_gbps, sources
            case isDefault = "default"
        }
    }

    func run() throws {
        let models = try modelsOptions.models()
        let catalogue = try DeviceCatalogue.load(models: models)
        let defaultPart = catalogue.defaultDevice.part
        if json {
            try printJSON(
                catalogue.devices.map {
                    Entry(
                        part: $0.part, board: $0.board, aliases: $0.aliases, family: $0.family.rawValue,
                        isDefault: $0.part == defaultPart, resources: $0.resources, clock_mhz: $0.clockMHz,
                        ddr_bandwidth_gbps: $0.ddrBandwidthGBps, sources: $0.sources)
                })
            return
        }
        let rows = catalogue.devices.map { device -> [String] in
            [
                device.part + (device.part == defaultPart ? " *" : ""), device.board, device.aliases.joined(separator: ","),
                device.family.rawValue, grouped(device.resources.dsp), grouped(device.resources.bram18),
                grouped(device.resources.uram), grouped(device.resources.lut), grouped(device.resources.ff),
                String(format: "%g", device.clockMHz), String(format: "%g", device.ddrBandwidthGBps),
            ]
        }
        try emit(
            textTable(
                ["part", "board", "aliases", "family", "DSP", "BRAM18", "URAM", "LUT", "FF", "MHz", "DDR GB/s"],
                rows, rightAligned: Set(4...10)))
        try emit("\n* default device. Directory: \(models.devices.path)")
    }

    /// 70560 -> "70,560".
    private func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
