import HAONetwork

/// Walks an ONNX graph from its image input along the data path and recognises the MBConv
/// family: stem, blocks, head. Every reader of every tensor on the path is accounted for, so
/// a side branch, an extra op or an unsupported attribute is refused at the first node that
/// does not fit, with that node's name and op.
struct GraphWalker {
    let graph: ONNXGraph
    /// The image input's name.
    let image: String
    /// Observations that do not stop the import (e.g. layers without the bias the format counts).
    private(set) var notes: [String] = []
    /// Squeeze-excite gates seen, for the notes.
    private(set) var gates: Set<SqueezeExciteGate> = []
    /// Elements of every recognised conv and FC weight (biases excluded), for cross-checking counts.
    var weightElements = 0

    init(graph: ONNXGraph, image: String) {
        self.graph = graph
        self.image = image
    }

    func refuse(_ node: Int, _ reason: String) -> ONNXImportError {
        .unsupportedNode(node: graph.label(node), op: graph.op(node), reason: reason)
    }

    func refuseTensor(_ tensor: String, _ reason: String) -> ONNXImportError {
        if let node = graph.producer[tensor] { return refuse(node, reason) }
        return .unsupportedGraph("tensor '\(tensor)': \(reason)")
    }

    mutating func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }

    // MARK: - Network

    /// The stem, blocks and head, at `resolution` with `inputChannels` image channels.
    mutating func network(resolution: Int, inputChannels: Int) throws(ONNXImportError) -> (Stem, [Block], Head) {
        let first = try onlyReader(of: image, expecting: "the stem convolution")
        let stemConv = try convolution(first, inChannels: inputChannels, size: resolution)
        guard stemConv.groups == 1 else {
            throw refuse(first, "the stem must be an ordinary convolution (groups 1, not \(stemConv.groups))")
        }
        weightElements += stemConv.weightElements
        let (stemActivation, stemOut) = try activation(after: stemConv.output)
        var tensor = stemOut
        let stem = Stem(outChannels: stemConv.outChannels, kernel: stemConv.kernel, stride: stemConv.stride, activation: stemActivation)
        var channels = stemConv.outChannels
        var size = stemConv.outputSize
        var blocks: [Block] = []
        while true {
            tensor = skipPassThrough(tensor)
            guard let start = try blockStart(tensor, channels: channels, size: size) else { break }
            let (block, out, outSize) = try self.block(from: tensor, firstConv: start, channels: channels, size: size)
            blocks.append(block)
            (tensor, channels, size) = (out, block.outChannels, outSize)
        }
        guard !blocks.isEmpty else {
            throw refuseTensor(tensor, "no MBConv block follows the stem")
        }
        let head = try self.head(from: tensor, channels: channels, size: size)
        return (stem, blocks, head)
    }

    /// The first conv of the next block, or nil when the tensor goes to the head (a 1x1 conv
    /// whose output is pooled, or pooling itself).
    private func blockStart(_ tensor: String, channels: Int, size: Int) throws(ONNXImportError) -> ConvolutionNode? {
        let readers = graph.dataConsumers(of: tensor)
        let convs = readers.filter { graph.op($0) == "Conv" }
        if readers.count == 1, try globalPool(readers[0], of: tensor, size: size) != nil { return nil }
        guard convs.count == 1 else {
            let other = readers.first { graph.op($0) != "Add" } ?? readers.first
            guard let other else { throw refuseTensor(tensor, "the network ends here without a classifier head") }
            if convs.count > 1 {
                throw refuse(convs[1], "a second convolution reads the same tensor: a branch, which MBConv networks do not have")
            }
            throw refuse(
                other,
                "\(graph.op(other)) is not part of the MBConv family here: after the stem and after each block comes a block's 1x1 expand or depthwise convolution, or the head"
            )
        }
        let conv = try convolution(convs[0], inChannels: channels, size: size)
        if conv.isDepthwise { return conv }
        guard conv.isPointwise else {
            throw refuse(
                conv.node,
                "a \(conv.kernel)x\(conv.kernel) convolution with groups \(conv.groups) and stride \(conv.stride) where a block's 1x1 expand (stride 1) or depthwise conv was expected"
            )
        }
        // A 1x1 conv starts a block when a depthwise conv follows, the head when pooling does.
        let (_, next) = try activation(after: conv.output)
        let following = skipPassThrough(next)
        let readers2 = graph.dataConsumers(of: following)
        if readers2.count == 1, try globalPool(readers2[0], of: following, size: size) != nil { return nil }
        return conv
    }

    // MARK: - Blocks

    private mutating func block(
        from input: String, firstConv: ConvolutionNode, channels: Int,
        size: Int
    ) throws(ONNXImportError) -> (Block, String, Int) {
        var tensor: String
        var expandActivation: Activation?
        var expanded = channels
        var expandGroups: Int?
        if !firstConv.isDepthwise {
            expandGroups = firstConv.groups
            expanded = firstConv.outChannels
            weightElements += firstConv.weightElements
            let (act, out) = try activation(after: firstConv.output)
            (expandActivation, tensor) = (act, skipPassThrough(out))
        } else {
            tensor = input
        }
        let depthwiseNode =
            firstConv.isDepthwise
            ? firstConv.node
            : try onlyReader(of: tensor, expecting: "the block's depthwise convolution")
        let depthwise = try convolution(depthwiseNode, inChannels: expanded, size: size)
        guard depthwise.isDepthwise else {
            throw refuse(
                depthwiseNode,
                "expected a depthwise convolution (groups = channels = \(expanded)) after the expand conv, found groups \(depthwise.groups) with \(depthwise.outChannels) outputs"
            )
        }
        weightElements += depthwise.weightElements
        var (activation, afterDepthwise) = try self.activation(after: depthwise.output)
        if let expandActivation, expandActivation != activation {
            throw refuse(
                depthwiseNode,
                "its activation (\(activation.rawValue)) differs from the expand conv's (\(expandActivation.rawValue)); the format has one activation per block"
            )
        }
        afterDepthwise = skipPassThrough(afterDepthwise)
        var seChannels = 0
        if graph.dataConsumers(of: afterDepthwise).count == 2 {
            (seChannels, afterDepthwise) = try squeezeExcite(afterDepthwise, channels: expanded, size: depthwise.outputSize)
            afterDepthwise = skipPassThrough(afterDepthwise)
        }
        let projectNode = try onlyReader(of: afterDepthwise, expecting: "the block's 1x1 project convolution")
        let project = try convolution(projectNode, inChannels: expanded, size: depthwise.outputSize)
        guard project.isPointwise else {
            throw refuse(
                projectNode,
                "expected the block's 1x1 project convolution (stride 1), found a \(project.kernel)x\(project.kernel) one with stride \(project.stride)"
            )
        }
        if let expandGroups, expandGroups != project.groups {
            throw refuse(
                projectNode,
                "groups \(project.groups) differ from the expand conv's \(expandGroups); the format has one pointwise group count per block"
            )
        }
        weightElements += project.weightElements
        var (projectActivation, out) = try self.activation(after: project.output)
        out = skipPassThrough(out)
        var block = Block(
            inChannels: channels, outChannels: project.outChannels, expandedChannels: expanded,
            kernel: depthwise.kernel, stride: depthwise.stride, seChannels: seChannels, activation: activation,
            pointwiseGroups: project.groups, projectActivation: projectActivation,
            unitExpandConv: expandActivation != nil && expanded == channels)
        let residual = try residualAdd(input: input, output: out, firstConv: firstConv.node, block: block)
        block.noSkip = block.canHaveResidual && residual == nil
        if let residual { out = graph.output(residual) }
        return (block, out, depthwise.outputSize)
    }

    /// The Add joining the block's output with its input, if there is one; refuses any other
    /// reader of the block's input.
    private func residualAdd(input: String, output: String, firstConv: Int, block: Block) throws(ONNXImportError) -> Int? {
        let readers = graph.dataConsumers(of: input).filter { $0 != firstConv }
        guard let add = readers.first else { return nil }
        guard readers.count == 1, graph.op(add) == "Add", isProduct(add, of: input, and: output) else {
            throw refuse(add, "reads the block's input; only the block's first conv and its residual Add may")
        }
        guard block.canHaveResidual else {
            throw refuse(
                add,
                "a residual add around a block with stride \(block.stride) from \(block.inChannels) to \(block.outChannels) channels cannot exist"
            )
        }
        return add
    }

    /// Squeeze-excite on the depthwise output: pool -> FC -> act -> FC -> gate -> Mul.
    private mutating func squeezeExcite(_ tensor: String, channels: Int, size: Int) throws(ONNXImportError) -> (Int, String) {
        let readers = graph.dataConsumers(of: tensor)
        var pooled: String?
        var scale: Int?
        for reader in readers {
            if let out = try globalPool(reader, of: tensor, size: size) { pooled = out } else { scale = reader }
        }
        guard let pooled, let scale, graph.op(scale) == "Mul" else {
            throw refuse(
                readers[1],
                "the depthwise output feeds two nodes; only squeeze-excite (global pooling and the Mul that scales by its gate) may branch there"
            )
        }
        let reduceStart = try onlyReader(of: skipVectorReshapes(pooled), expecting: "the squeeze-excite reduce layer")
        let reduce = try fullyConnected(reduceStart, features: channels, role: "squeeze-excite reduce layer")
        let (_, reduced) = try activation(after: reduce.output)
        let expandStart = try onlyReader(of: skipVectorReshapes(reduced), expecting: "the squeeze-excite expand layer")
        let expand = try fullyConnected(expandStart, features: reduce.outFeatures, role: "squeeze-excite expand layer")
        guard expand.outFeatures == channels else {
            throw refuse(expandStart, "the squeeze-excite expand layer gives \(expand.outFeatures) channels, not the block's \(channels)")
        }
        let (gate, gated) = try self.gate(after: expand.output)
        gates.insert(gate)
        let scaled = skipVectorReshapes(gated)
        guard isProduct(scale, of: tensor, and: scaled) else {
            throw refuse(scale, "expected the squeeze-excite Mul of the depthwise output by its gate")
        }
        if !reduce.hasBias || !expand.hasBias {
            note("some squeeze-excite layers have no bias; the format counts one (a few parameters more than the graph)")
        }
        weightElements += reduce.weightElements + expand.weightElements
        return (reduce.outFeatures, graph.output(scale))
    }

    /// The one node reading `tensor`, or a refusal that names what was expected.
    func onlyReader(of tensor: String, expecting what: String) throws(ONNXImportError) -> Int {
        let readers = graph.dataConsumers(of: tensor)
        if readers.count == 1, !graph.isGraphOutput(tensor) { return readers[0] }
        if readers.isEmpty { throw refuseTensor(tensor, "expected \(what), but nothing reads this node's output") }
        if graph.isGraphOutput(tensor) { throw refuseTensor(tensor, "its output is also a graph output; expected only \(what) to read it") }
        throw refuse(readers[1], "expected only \(what) to read '\(tensor)', but \(readers.count) nodes do")
    }
}
