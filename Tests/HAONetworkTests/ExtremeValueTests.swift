import Foundation
import HAONetwork
import HAOTestSupport
import Testing

/// Huge, tiny and non-integer values in every integer field: validation and decoding must
/// answer with a `NetworkError`, never trap on integer overflow.
@Suite struct ExtremeValueTests {
    /// Every integer field of the format, on a network of two blocks (so chaining is exercised).
    private static var fields: [(String, WritableKeyPath<Network, Int>)] {
        [
            ("resolution", \.resolution), ("input_channels", \.inputChannels),
            ("stem.out_channels", \.stem.outChannels), ("stem.kernel", \.stem.kernel), ("stem.stride", \.stem.stride),
            ("stem.weight_bits", \.stem.precision.weightBits), ("stem.activation_bits", \.stem.precision.activationBits),
            ("block.in_channels", \.blocks[1].inChannels), ("block.out_channels", \.blocks[1].outChannels),
            ("block.expanded_channels", \.blocks[1].expandedChannels), ("block.kernel", \.blocks[1].kernel),
            ("block.stride", \.blocks[1].stride), ("block.se_channels", \.blocks[1].seChannels),
            ("block.pointwise_groups", \.blocks[1].pointwiseGroups), ("block.weight_bits", \.blocks[1].precision.weightBits),
            ("block.activation_bits", \.blocks[1].precision.activationBits),
            ("head.conv_channels", \.head.convChannels), ("head.classes", \.head.classes),
            ("head.weight_bits", \.head.precision.weightBits),
        ]
    }

    private static func base() -> Network {
        var network = tinyNetwork()
        network.blocks.append(
            Block(
                inChannels: 24, outChannels: 24, expandedChannels: 144, kernel: 5, stride: 1,
                seChannels: 8, activation: .relu))
        return network
    }

    @Test(arguments: [Int.max, Int.min, 4_000_000_000_000, -4_000_000_000_000, 1 << 31, Int.max / 2 + 1])
    func hugeValuesAreErrorsNotTraps(value: Int) throws {
        for (name, path) in Self.fields {
            var network = Self.base()
            network[keyPath: path] = value
            do {
                try network.validate()
                Issue.record("\(name) = \(value) was accepted")
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        var hidden = Self.base()
        hidden.head.hiddenChannels = value
        #expect(throws: NetworkError.self) { try hidden.validate() }
    }

    @Test(arguments: [("stem", "kernel"), ("block 1", "kernel"), ("stem", "stride"), ("block 1", "stride")])
    func aHugeKernelOrStrideIsNamedNotCountedAsSize(location: String, field: String) throws {
        var network = Self.base()
        switch (location, field) {
        case ("stem", "kernel"): network.stem.kernel = 4_000_000_000_000
        case ("stem", _): network.stem.stride = 4_000_000_000_000
        case (_, "kernel"): network.blocks[1].kernel = 4_000_000_000_000
        default: network.blocks[1].stride = 4_000_000_000_000
        }
        #expect(
            throws: NetworkError.invalidField(
                location: location, field: field,
                message: field == "kernel" && location != "stem"
                    ? "4000000000000 is not supported; the depthwise kernel must be one of 1, 3, 5, 7"
                    : "4000000000000 is not supported; use one of \(field == "kernel" ? "3, 5, 7" : "1, 2")")
        ) {
            try network.validate()
        }
    }

    @Test(arguments: [
        ("\"resolution\": 224.5", "resolution", "224.5"),
        ("\"resolution\": 1e308", "resolution", "1e+308"),
        ("\"resolution\": 9223372036854775808", "resolution", "9223372036854775808"),
        ("\"kernel\": 3.5", "blocks[0].kernel", "3.5"),
        ("\"classes\": 1e19", "head.classes", "1e+19"),
    ])
    func nonIntegerNumbersNameTheField(replacement: String, path: String, shown: String) throws {
        var json = """
            {"name": "n", "resolution": 224,
             "stem": {"out_channels": 16, "activation": "relu"},
             "blocks": [{"in_channels": 16, "out_channels": 24, "expand_ratio": 6, "kernel": 3, "stride": 2, "activation": "relu"}],
             "head": {"conv_channels": 64, "classes": 10, "activation": "relu"}}
            """
        let key = String(replacement.prefix { $0 != ":" })
        let range = try #require(json.range(of: "\(key): [0-9]+", options: .regularExpression))
        json.replaceSubrange(range, with: replacement)
        #expect(
            throws: NetworkError.wrongValue(
                source: "network JSON", path: path,
                detail: "expected an integer (a whole number from -2^63 to 2^63-1); got \(shown)")
        ) {
            try Network.decode(from: Data(json.utf8))
        }
    }

    @Test func wholeNumbersWrittenAsDecimalsStillRead() throws {
        let json = """
            {"name": "n", "resolution": 224.0,
             "stem": {"out_channels": 16, "activation": "relu"},
             "blocks": [{"in_channels": 16, "out_channels": 24, "expand_ratio": 6, "kernel": 3, "stride": 2, "activation": "relu"}],
             "head": {"conv_channels": 64, "classes": 10, "activation": "relu"}}
            """
        #expect(try Network.decode(from: Data(json.utf8)).resolution == 224)
    }

    @Test(arguments: [
        "ir_r1_k3_s1_e1e300_c16", "ir_r1_k3_s1_e6_c9223372036854775807", "ir_r1_k3_s1_e6_se1e300_c16",
        "ir_r9223372036854775807_k3_s1_e6_c16",
    ])
    func archDefRatiosAndCountsAreBounded(text: String) throws {
        let definition = ArchDefinition(stages: [[text]], defaultActivation: .relu)
        #expect(throws: ArchDefError.self) { try definition.blocks(inChannels: 16) }
    }
}
