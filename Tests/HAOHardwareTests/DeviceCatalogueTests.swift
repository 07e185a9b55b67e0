import Foundation
import HAOHardware
import HAONetwork
import HAOTestSupport
import Testing

/// The shipped device catalogue, lookup, user device files and utilisation caps.
@Suite struct DeviceCatalogueTests {
    private static let devicesURL = TestPaths.models.devices

    private func catalogue() throws -> DeviceCatalogue { try DeviceCatalogue.load(directory: Self.devicesURL) }

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hao-devices-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private let userDeviceJSON = """
        {"part": "XCZU5EV", "board": "MyBoard", "aliases": ["zu5ev"], "family": "zynq_ultrascale_plus",
         "resources": {"dsp": 1248, "bram18": 288, "uram": 64, "lut": 117120, "ff": 234240},
         "clock_mhz": 250, "ddr_bandwidth_gbps": 6.0, "sources": ["my own measurements"]}
        """

    /// Vendor figures (DS891, DS190) as tabulated in the design notes, section 3.
    @Test func shippedFiguresMatchTheDataSheets() throws {
        let devices = try catalogue()
        let expected: [String: Resources] = [
            "XCZU3EG": Resources(dsp: 360, bram18: 432, uram: 0, lut: 70_560, ff: 141_120),
            "XCZU9EG": Resources(dsp: 2_520, bram18: 1_824, uram: 0, lut: 274_080, ff: 548_160),
            "XCZU7EV": Resources(dsp: 1_728, bram18: 624, uram: 96, lut: 230_400, ff: 460_800),
            "XC7Z020": Resources(dsp: 220, bram18: 280, uram: 0, lut: 53_200, ff: 106_400),
            "XC7Z045": Resources(dsp: 900, bram18: 1_090, uram: 0, lut: 218_600, ff: 437_200),
            "XCK26": Resources(dsp: 1_248, bram18: 288, uram: 64, lut: 117_120, ff: 234_240),
        ]
        #expect(devices.devices.count == 6)
        for device in devices.devices {
            #expect(expected[device.part] == device.resources, "\(device.part)")
            #expect(device.sources.count >= 3, "\(device.part) needs its sources and the reasoning for its defaults")
            // The Kria K26's XCK26 is a Zynq UltraScale+ MPSoC too.
            #expect(device.family == (device.part.hasPrefix("XCZU") || device.part == "XCK26" ? .zynqUltraScalePlus : .zynq7000))
        }
        #expect(devices.defaultDevice.part == "XCZU3EG")
        #expect(devices.defaultDevice.board == "Ultra96")
        #expect(devices.devices.filter(\.isDefault).count == 1)
    }

    @Test("lookup by part or alias ignores case", arguments: ["zu3eg", "ultra96", "XCZU3EG", "Ultra96", " xczu3eg "])
    func lookup(name: String) throws {
        #expect(try catalogue().device(named: name).part == "XCZU3EG")
    }

    @Test func otherAliases() throws {
        let devices = try catalogue()
        #expect(try devices.device(named: "zcu102").part == "XCZU9EG")
        #expect(try devices.device(named: "ZCU104").part == "XCZU7EV")
        #expect(try devices.device(named: "pynq-z2").part == "XC7Z020")
        #expect(try devices.device(named: "zc706").part == "XC7Z045")
        #expect(try devices.device(named: "kv260").part == "XCK26")
        #expect(try devices.resolve(nil).part == "XCZU3EG")
    }

    @Test func unknownDeviceListsTheKnownOnes() throws {
        let devices = try catalogue()
        do {
            _ = try devices.device(named: "zu5eg")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("unknown device 'zu5eg'; known devices: "))
            #expect(error.description.contains("zu3eg (Ultra96)"))
            #expect(error.description.contains("zcu102") || error.description.contains("zu9eg (ZCU102)"))
        }
        #expect(throws: DeviceError.self) { try devices.resolve("zu5eg") }
    }

    @Test func userDeviceFile() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("mine.json")
        try Data(userDeviceJSON.utf8).write(to: url)
        let device = try catalogue().resolve(url.path)
        #expect(device.part == "XCZU5EV")
        #expect(device.resources.uram == 64)
        #expect(device.clockMHz == 250)
        #expect(!device.isDefault)
        // A missing user file is reported as such, not as an unknown device.
        #expect(throws: DeviceError.fileNotFound(path: directory.appendingPathComponent("nope.json").path)) {
            try catalogue().resolve(directory.appendingPathComponent("nope.json").path)
        }
    }

    @Test(
        "bad user device files",
        arguments: [
            ("{\"part\": \"X\"", "not valid JSON"),
            (
                #"{"part": "X", "board": "B", "family": "zynq_ultrascale_plus", "resources": {"dsp": 1, "bram18": 1, "lut": 1, "ff": 1}, "clock_mhz": 100}"#,
                "missing key 'ddr_bandwidth_gbps'"
            ),
            (
                #"{"part": "X", "board": "B", "family": "virtex", "resources": {"dsp": 1, "bram18": 1, "lut": 1, "ff": 1}, "clock_mhz": 100, "ddr_bandwidth_gbps": 1}"#,
                "unknown family"
            ),
            (
                #"{"part": "X", "board": "B", "family": "zynq_7000", "resources": {"dsp": -5, "bram18": 1, "lut": 1, "ff": 1}, "clock_mhz": 100, "ddr_bandwidth_gbps": 1}"#,
                "resources.dsp must be positive"
            ),
            (
                #"{"part": "X", "board": "B", "family": "zynq_7000", "resources": {"dsp": 5, "bram18": 0, "lut": 1, "ff": 1}, "clock_mhz": 100, "ddr_bandwidth_gbps": 1}"#,
                "resources.bram18 must be positive"
            ),
            (
                #"{"part": "X", "board": "B", "family": "zynq_7000", "resources": {"dsp": 5, "bram18": 1, "lut": 1, "ff": 1}, "clock_mhz": 0, "ddr_bandwidth_gbps": 1}"#,
                "clock_mhz must be a finite positive number"
            ),
            (
                #"{"part": "X", "board": "B", "family": "zynq_7000", "resources": {"dsp": 5, "bram18": 1, "lut": 1, "ff": 1}, "clock_mhz": 100, "ddr_bandwidth_gbps": -2}"#,
                "ddr_bandwidth_gbps must be a finite positive number"
            ),
        ])
    func badUserFiles(text: String, message: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.json")
        try Data(text.utf8).write(to: url)
        do {
            _ = try Device.load(contentsOf: url)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func duplicateNamesAndDefaultsAreRejected() throws {
        let zu3eg = try catalogue().device(named: "zu3eg")
        var clash = zu3eg
        clash.part = "XCZU3CG"
        clash.isDefault = false
        #expect(throws: DeviceError.duplicateName(name: "zu3eg", first: "XCZU3EG", second: "XCZU3CG")) {
            try DeviceCatalogue(devices: [zu3eg, clash])
        }
        clash.aliases = ["other"]
        clash.isDefault = true
        #expect(throws: DeviceError.multipleDefaults(["XCZU3EG", "XCZU3CG"])) { try DeviceCatalogue(devices: [zu3eg, clash]) }
        var broken = zu3eg
        broken.clockMHz = .nan
        #expect(throws: DeviceError.self) { try DeviceCatalogue(devices: [broken]) }
    }

    @Test func missingOrEmptyCatalogueDirectory() throws {
        #expect(throws: DeviceError.directoryNotFound(path: "/no/such/devices")) {
            try DeviceCatalogue.load(directory: URL(fileURLWithPath: "/no/such/devices"))
        }
        let empty = try scratch()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: DeviceError.emptyCatalogue(path: empty.path)) { try DeviceCatalogue.load(directory: empty) }
    }

    @Test func deviceJSONRoundTrip() throws {
        for device in try catalogue().devices {
            let data = try JSONEncoder().encode(device)
            #expect(try JSONDecoder().decode(Device.self, from: data) == device)
        }
    }

    // MARK: utilisation cap

    @Test func capArithmetic() throws {
        let zu3eg = try catalogue().device(named: "zu3eg")
        let lut90 = try UtilisationCap(parsing: "lut=0.9")
        let budget = lut90.budget(of: zu3eg)
        #expect(budget.lut == 63_504)  // 0.9 x 70,560
        #expect(budget.dsp == 360)
        #expect(budget.bram18 == 432)
        #expect(budget.ff == 141_120)

        let mixed = try UtilisationCap(parsing: "dsp=50%, bram18=0.95")
        let mixedBudget = mixed.budget(of: zu3eg)
        #expect(mixedBudget.dsp == 180)
        #expect(mixedBudget.bram18 == 410)  // floor(0.95 x 432 = 410.4)
        #expect(mixedBudget.lut == 70_560)

        let all = try UtilisationCap(parsing: "0.5")
        #expect(all.budget(of: zu3eg).ff == 70_560)
        #expect(try UtilisationCap(parsing: "100%") == UtilisationCap.none)
    }

    @Test("invalid caps", arguments: ["1.5", "0", "-0.2", "abc", "lut=2", "foo=0.5", "lut", "lut=x", "nan"])
    func invalidCaps(text: String) {
        #expect(throws: DeviceError.self) { try UtilisationCap(parsing: text) }
    }

    @Test func capValidationMessage() {
        let cap = UtilisationCap(dsp: 1, bram18: 1, lut: 1.2, ff: 1)
        #expect(throws: DeviceError.invalidCap(resource: "lut", value: 1.2)) { try cap.validate() }
        #expect(DeviceError.invalidCap(resource: "lut", value: 1.2).description.contains("(0, 1]"))
    }
}
