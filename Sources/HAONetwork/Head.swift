/// The layers after the last block: a 1x1 conv (absent in MobileNetV1), global average
/// pooling, an optional 1x1 conv on the pooled vector (MobileNetV3's 960 -> 1280), and the
/// classifier.
public struct Head: Sendable, Hashable, Codable {
    /// Output channels of the 1x1 conv after the last block; without that conv
    /// (``hasConv`` false), the pooled width, which is the last block's `outChannels`.
    public var convChannels: Int
    /// Output channels of the 1x1 conv after pooling (with bias), if any.
    public var hiddenChannels: Int?
    /// Number of classes of the classifier (with bias).
    public var classes: Int
    /// Activation after the head conv and the hidden layer (the classifier has none).
    public var activation: Activation
    /// Bit widths of every head layer (JSON keys `weight_bits` and `activation_bits`, each defaulting to 8).
    public var precision: Precision
    /// Whether the head starts with a 1x1 conv. MobileNetV1 pools its last block's output directly.
    public var hasConv: Bool

    /// Creates a head from its fields; defaults: no hidden layer, 1000 classes, W8A8, with a head conv.
    public init(
        convChannels: Int, hiddenChannels: Int? = nil, classes: Int = 1000,
        activation: Activation, precision: Precision = .w8a8, hasConv: Bool = true
    ) {
        self.convChannels = convChannels
        self.hiddenChannels = hiddenChannels
        self.classes = classes
        self.activation = activation
        self.precision = precision
        self.hasConv = hasConv
    }

    enum CodingKeys: String, CodingKey {
        case convChannels = "conv_channels"
        case hiddenChannels = "hidden_channels"
        case classes, activation
        case hasConv = "conv"
        case weightBits = "weight_bits"
        case activationBits = "activation_bits"
    }

    /// Decodes a head; `hidden_channels` and the bit widths are optional, `classes` defaults to 1000 and `conv` (``hasConv``) to true.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        convChannels = try c.decode(Int.self, forKey: .convChannels)
        hiddenChannels = try c.decodeIfPresent(Int.self, forKey: .hiddenChannels)
        classes = try c.decodeIfPresent(Int.self, forKey: .classes) ?? 1000
        activation = try c.decode(Activation.self, forKey: .activation)
        precision = Precision(
            weightBits: try c.decodeIfPresent(Int.self, forKey: .weightBits) ?? 8,
            activationBits: try c.decodeIfPresent(Int.self, forKey: .activationBits) ?? 8)
        hasConv = try c.decodeIfPresent(Bool.self, forKey: .hasConv) ?? true
    }

    /// Encodes the head; `conv` is written only when false.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(convChannels, forKey: .convChannels)
        try c.encodeIfPresent(hiddenChannels, forKey: .hiddenChannels)
        try c.encode(classes, forKey: .classes)
        try c.encode(activation, forKey: .activation)
        if !hasConv { try c.encode(false, forKey: .hasConv) }
        try c.encode(precision.weightBits, forKey: .weightBits)
        try c.encode(precision.activationBits, forKey: .activationBits)
    }
}
