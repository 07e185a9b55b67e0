import Foundation
import HAONetwork
import HAOTestSupport
import Testing

/// Every validation and loading error path, with the message a user sees.
@Suite struct NetworkValidationTests {
    private func validationError(_ network: Network) -> NetworkError? {
        do {
            try network.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test func channelsMustChainBetweenBlocks() throws {
        var network = tinyNetwork()
        network.blocks.append(Block(inChannels: 32, outChannels: 24, expandedChannels: 144, kernel: 3, stride: 1, activation: .relu))
        let error = try #require(validationError(network))
        #expect(
            error
                == .invalidField(
                    location: "block 1", field: "in_channels",
                    message: "32 does not chain: block 0's out_channels is 24"))
        #expect(error.description.contains("block 1"))
        #expect(error.description.contains("in_channels"))
    }

    @Test func firstBlockMustChainFromTheStem() throws {
        var network = tinyNetwork()
        network.stem.outChannels = 8
        let error = try #require(validationError(network))
        #expect(error.description.contains("block 0, in_channels"))
        #expect(error.description.contains("the stem's out_channels is 8"))
    }

    @Test("zero and negative sizes are rejected", arguments: [0, -3])
    func nonPositiveSizes(value: Int) throws {
        var a = tinyNetwork()
        a.blocks[0].expandedChannels = value
        #expect(validationError(a) == .invalidField(location: "block 0", field: "expanded_channels", message: "\(value) must be positive"))

        var b = tinyNetwork()
        b.head.convChannels = value
        #expect(validationError(b) == .invalidField(location: "head", field: "conv_channels", message: "\(value) must be positive"))

        var c = tinyNetwork()
        c.resolution = value
        #expect(validationError(c)?.description.contains("resolution") == true)

        var d = tinyNetwork()
        d.stem.outChannels = value
        #expect(validationError(d) == .invalidField(location: "stem", field: "out_channels", message: "\(value) must be positive"))

        var e = tinyNetwork()
        e.head.classes = value
        #expect(validationError(e)?.description.contains("classes") == true)
    }

    @Test("unsupported depthwise kernels", arguments: [0, 2, 4, 9, 11, -3])
    func unsupportedKernel(kernel: Int) throws {
        var network = tinyNetwork()
        network.blocks[0].kernel = kernel
        let error = try #require(validationError(network))
        #expect(error.description.contains("block 0, kernel: \(kernel) is not supported"))
    }

    @Test func unsupportedStemKernelAndStride() throws {
        var a = tinyNetwork()
        a.stem.kernel = 1
        #expect(validationError(a)?.description.contains("stem, kernel") == true)
        var b = tinyNetwork()
        b.blocks[0].stride = 3
        #expect(validationError(b)?.description.contains("block 0, stride: 3 is not supported") == true)
    }

    @Test func unsupportedBitWidth() throws {
        var network = tinyNetwork()
        network.blocks[0].precision = Precision(weightBits: 3, activationBits: 8)
        #expect(validationError(network)?.description.contains("block 0, weight_bits: 3 is not supported; use one of 2, 4, 8, 16") == true)
        network.blocks[0].precision = .w4a4
        #expect(validationError(network) == nil)
    }

    @Test func negativeSqueezeExcite() throws {
        var network = tinyNetwork()
        network.blocks[0].seChannels = -1
        #expect(validationError(network)?.description.contains("se_channels") == true)
    }

    @Test func groupsMustDivideChannels() throws {
        var network = tinyNetwork()
        network.blocks[0].pointwiseGroups = 5
        #expect(validationError(network)?.description.contains("block 0, pointwise_groups: 5 groups do not divide") == true)
        network.blocks[0].pointwiseGroups = 0
        #expect(validationError(network)?.description.contains("pointwise_groups") == true)
    }

    @Test func emptyNetworkIsRejected() throws {
        var network = tinyNetwork()
        network.blocks = []
        #expect(
            validationError(network) == .invalidField(location: "network", field: "blocks", message: "a network needs at least one block"))
    }

    @Test func tooManyBlocks() throws {
        var network = tinyNetwork()
        network.blocks =
            [network.blocks[0]]
            + Array(
                repeating: Block(
                    inChannels: 24, outChannels: 24, expandedChannels: 24,
                    kernel: 3, stride: 1, activation: .relu), count: 1000)
        let error = try #require(validationError(network))
        guard case .tooLarge = error else {
            Issue.record("expected tooLarge, got \(error)")
            return
        }
        #expect(error.description.hasPrefix("network too large: 1001 blocks"))
    }

    @Test func tooManyChannels() throws {
        var network = tinyNetwork()
        network.blocks[0].expandedChannels = 70_000
        let error = try #require(validationError(network))
        #expect(error.description == "network too large: block 0, expanded_channels is 70000; at most 65536 channels are supported")
    }

    /// Within every per-field limit but with more work than the counts should be asked to hold:
    /// must be reported, not overflow.
    @Test func tooMuchWorkIsReportedNotOverflowed() throws {
        let wide = Block(inChannels: 65_536, outChannels: 65_536, expandedChannels: 65_536, kernel: 7, stride: 1, activation: .relu)
        let network = Network(
            name: "huge", resolution: 1024,
            stem: Stem(outChannels: 65_536, kernel: 7, stride: 1, activation: .relu),
            blocks: Array(repeating: wide, count: 1000),
            head: Head(convChannels: 65_536, classes: 65_536, activation: .relu))
        let error = try #require(validationError(network))
        guard case .tooLarge(let detail) = error else {
            Issue.record("expected tooLarge, got \(error)")
            return
        }
        #expect(detail.contains("multiply-accumulates"))
    }

    // MARK: loading

    @Test func missingFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent/dir/net.json")
        #expect(throws: NetworkError.fileNotFound(path: "/nonexistent/dir/net.json")) { try Network.load(contentsOf: url) }
    }

    @Test func directoryInsteadOfFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: NetworkError.unreadable(path: directory.path, reason: "it is a directory, not a file")) {
            try Network.load(contentsOf: directory)
        }
    }

    @Test func malformedJSONGivesALocation() throws {
        let text = "{\n  \"name\": \"x\",\n  \"resolution\": 224,,\n}"
        do {
            _ = try Network.decode(from: Data(text.utf8), source: "test.json")
            Issue.record("expected an error")
        } catch {
            guard case .invalidJSON(let source, let location, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(source == "test.json")
            #expect(location?.contains("line 3") == true, "location: \(String(describing: location))")
            #expect(error.description.hasPrefix("test.json is not valid JSON at line 3"))
        }
    }

    @Test func missingKeyNamesThePath() throws {
        let text = """
            {"name": "x", "resolution": 224, "stem": {"out_channels": 16, "activation": "relu"},
             "blocks": [{"in_channels": 16, "out_channels": 16, "expanded_channels": 16, "stride": 1, "activation": "relu"}],
             "head": {"conv_channels": 64, "activation": "relu"}}
            """
        #expect(throws: NetworkError.missingKey(source: "network JSON", key: "kernel", path: "blocks[0]")) {
            try Network.decode(from: Data(text.utf8))
        }
        let noHead = #"{"name": "x", "resolution": 224, "stem": {"out_channels": 16, "activation": "relu"}, "blocks": []}"#
        #expect(throws: NetworkError.missingKey(source: "network JSON", key: "head", path: "")) {
            try Network.decode(from: Data(noHead.utf8))
        }
    }

    @Test func unknownActivationListsTheKnownOnes() throws {
        let text = """
            {"name": "x", "resolution": 224, "stem": {"out_channels": 16, "activation": "gelu"}, "blocks": [],
             "head": {"conv_channels": 64, "activation": "relu"}}
            """
        do {
            _ = try Network.decode(from: Data(text.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("stem.activation"))
            #expect(error.description.contains("relu, relu6, h_swish, swish, linear"))
        }
    }

    @Test func wrongTypeNamesThePath() throws {
        let text = """
            {"name": "x", "resolution": "big", "stem": {"out_channels": 16, "activation": "relu"}, "blocks": [],
             "head": {"conv_channels": 64, "activation": "relu"}}
            """
        do {
            _ = try Network.decode(from: Data(text.utf8))
            Issue.record("expected an error")
        } catch {
            guard case .wrongValue(_, let path, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(path == "resolution")
        }
    }

    @Test func loadValidatedRejectsAnInvalidFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var network = tinyNetwork()
        network.blocks[0].kernel = 4
        let url = directory.appendingPathComponent("bad.json")
        try network.jsonData().write(to: url)
        #expect(throws: NetworkError.self) { try Network.loadValidated(contentsOf: url) }
        #expect(try Network.load(contentsOf: url) == network)
    }
}
