import Foundation
import HAONetwork

/// A network written as a timm-style `arch_def` plus what the strings leave out (stem, head,
/// resolution, bit widths), and the arguments of the timm model class that builds it: the
/// output of `hao export --format arch_def`. ``network()`` parses it back to the same network.
public struct ArchDefDocument: Sendable, Hashable, Codable {
    /// The `format` value of a document (`hao-arch-def-v1`).
    public static let formatName = "hao-arch-def-v1"

    /// ``formatName`` in documents this version writes; ``network()`` refuses any other.
    public var format: String
    /// The network's display name.
    public var name: String
    /// Input image height and width in pixels.
    public var resolution: Int
    /// Input image channels (JSON key `input_channels`).
    public var inputChannels: Int
    /// The blocks as `arch_def` stages with their conventions (JSON key `arch_def`).
    public var archDef: ArchDefinition
    /// The stem convolution, in the network format.
    public var stem: Stem
    /// The head, in the network format.
    public var head: Head
    /// Each block's bit widths, in order (timm's strings have none).
    public var blockPrecisions: [Precision]
    /// How to build the network with timm's model classes.
    public var timm: TimmArguments
    /// Where timm's model classes cannot reproduce the network exactly, and why.
    public var timmNotes: [String]

    enum CodingKeys: String, CodingKey {
        case format, name, resolution
        case inputChannels = "input_channels"
        case archDef = "arch_def"
        case stem, head
        case blockPrecisions = "block_precisions"
        case timm
        case timmNotes = "timm_notes"
    }

    /// Keyword arguments of timm's `EfficientNet` or `MobileNetV3` class (timm.models), with
    /// `block_args=decode_arch_def(arch_def.stages)` and `round_chs_fn=lambda c: c` so that
    /// widths are taken as written (docs/interchange.md shows the call).
    public struct TimmArguments: Sendable, Hashable, Codable {
        /// "EfficientNet" (head conv before pooling) or "MobileNetV3" (conv after pooling).
        public var modelClass: String
        /// Output channels of the stem (`stem_size`).
        public var stemSize: Int
        /// Kernel size of the stem (`stem_kernel_size`).
        public var stemKernelSize: Int
        /// Head width: the conv before pooling (EfficientNet, 0 for none) or after it (MobileNetV3).
        public var numFeatures: Int
        /// Classifier outputs (`num_classes`).
        public var numClasses: Int
        /// Input image channels (`in_chans`).
        public var inChans: Int
        /// timm's activation name for stem, head and blocks without `n<act>`.
        public var actLayer: String
        /// The squeeze-excite gate timm's family uses ("sigmoid" or "hard_sigmoid").
        public var seGate: String
        /// Whether squeeze-excite widths come from the expanded width (MobileNetV3) or the block input.
        public var seFromExp: Bool

        enum CodingKeys: String, CodingKey {
            case modelClass = "model_class"
            case stemSize = "stem_size"
            case stemKernelSize = "stem_kernel_size"
            case numFeatures = "num_features"
            case numClasses = "num_classes"
            case inChans = "in_chans"
            case actLayer = "act_layer"
            case seGate = "se_gate"
            case seFromExp = "se_from_exp"
        }
    }

    /// The document for a network; throws when the blocks have no `arch_def` form.
    public init(network: Network) throws(ArchDefExportError) {
        let definition = try network.archDefinition()
        format = Self.formatName
        name = network.name
        resolution = network.resolution
        inputChannels = network.inputChannels
        archDef = definition
        stem = network.stem
        head = network.head
        blockPrecisions = network.blocks.map(\.precision)
        let mobileNetV3 = network.head.hiddenChannels != nil
        let usesHardSwish = ([network.stem.activation, network.head.activation] + network.blocks.map(\.activation)).contains(.hardSwish)
        timm = TimmArguments(
            modelClass: mobileNetV3 ? "MobileNetV3" : "EfficientNet", stemSize: network.stem.outChannels,
            stemKernelSize: network.stem.kernel,
            numFeatures: mobileNetV3 ? network.head.hiddenChannels! : (network.head.hasConv ? network.head.convChannels : 0),
            numClasses: network.head.classes, inChans: network.inputChannels,
            actLayer: Self.timmName(definition.defaultActivation), seGate: usesHardSwish ? "hard_sigmoid" : "sigmoid",
            seFromExp: definition.seRounding == .expandedDivisibleBy8)
        timmNotes = Self.notes(network, definition: definition, mobileNetV3: mobileNetV3)
    }

    /// The network the document describes.
    public func network() throws(ArchDefError) -> Network {
        var network = try Network(
            name: name, resolution: resolution, inputChannels: inputChannels, stem: stem,
            archDef: archDef, head: head)
        guard format == Self.formatName else {
            throw .badDocument(field: "format", reason: "is '\(format)', not \(Self.formatName)")
        }
        guard blockPrecisions.count == network.blocks.count else {
            throw .badDocument(field: "block_precisions", reason: "has \(blockPrecisions.count) entries for \(network.blocks.count) blocks")
        }
        for index in network.blocks.indices { network.blocks[index].precision = blockPrecisions[index] }
        return network
    }

    private static func notes(_ network: Network, definition: ArchDefinition, mobileNetV3: Bool) -> [String] {
        var notes: [String] = []
        let act = definition.defaultActivation
        if network.stem.stride != 2 { notes.append("timm's stem has stride 2; this network's has \(network.stem.stride)") }
        if network.stem.activation != act {
            notes.append(
                "timm applies act_layer (\(timmName(act))) to the stem; this network's stem uses \(network.stem.activation.rawValue)")
        }
        if network.head.activation != act && (network.head.hasConv || network.head.hiddenChannels != nil) {
            notes.append(
                "timm applies act_layer (\(timmName(act))) to the head; this network's head uses \(network.head.activation.rawValue)")
        }
        if mobileNetV3 && network.head.hasConv == false {
            notes.append("the MobileNetV3 class is used without a final cn entry: the last block is pooled directly")
        }
        if !mobileNetV3 && definition.seRounding == .expandedDivisibleBy8 && network.blocks.contains(where: \.hasSqueezeExcite) {
            notes.append(
                "timm's EfficientNet class computes squeeze-excite widths from the block input; these follow make_divisible(expanded x ratio, 8) (the MobileNetV3 class's se_from_exp=True)"
            )
        }
        return notes
    }

    /// timm's `create_act_layer` name of an activation.
    static func timmName(_ activation: Activation) -> String {
        switch activation {
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .hardSwish: return "hard_swish"
        case .swish: return "swish"
        case .linear: return "identity"
        }
    }
}
