import HAONetwork

/// A convolution node as the importer sees it: shapes from its weight, geometry from its attributes.
struct ConvolutionNode {
    let node: Int
    let output: String
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let groups: Int
    let hasBias: Bool
    let outputSize: Int

    /// A depthwise conv: one group per channel, as many outputs as inputs.
    var isDepthwise: Bool { groups == inChannels && outChannels == inChannels && groups > 1 }
    var isPointwise: Bool { kernel == 1 && stride == 1 && !isDepthwise }
    /// Weight elements (biases excluded).
    var weightElements: Int { kernel * kernel * (inChannels / groups) * outChannels }
}

/// A fully connected layer on a pooled vector: Gemm, MatMul (+ Add), or a 1x1 Conv on a 1x1 map.
struct FullyConnectedNode {
    let node: Int
    let output: String
    let inFeatures: Int
    let outFeatures: Int
    let hasBias: Bool
    var weightElements: Int { inFeatures * outFeatures }
}

extension GraphWalker {
    /// Largest channel count or kernel accepted from a weight shape before any arithmetic,
    /// so that no product of dims can overflow (the format's own limits are checked later).
    static let maxDimension = NetworkLimits.standard.maxChannels

    /// Reads a `Conv` node that receives `inChannels` channels of a `size` x `size` map.
    func convolution(_ node: Int, inChannels: Int, size: Int) throws(ONNXImportError) -> ConvolutionNode {
        guard graph.op(node) == "Conv" else { throw refuse(node, "expected a convolution") }
        try requireStandardDomain(node)
        guard let weight = graph.input(node, 1), let shape = graph.shape(of: weight) else {
            throw refuse(
                node, "the weight's shape is unknown: it is neither an initializer, a Constant, nor a graph input with a static shape")
        }
        guard shape.count == 4 else { throw refuse(node, "only 2-D convolutions are supported (weight of rank \(shape.count))") }
        guard shape.allSatisfy({ $0 >= 1 && $0 <= Self.maxDimension }) else {
            throw refuse(node, "weight shape \(shape) is outside 1...\(Self.maxDimension) in some dimension")
        }
        let (out, perGroup, height, width) = (shape[0], shape[1], shape[2], shape[3])
        guard height == width else { throw refuse(node, "non-square kernel \(height)x\(width) is not supported") }
        if let declared = graph.intsAttribute(node, "kernel_shape"), declared != [height, width] {
            throw refuse(node, "kernel_shape \(declared) disagrees with the weight's \(height)x\(width)")
        }
        let groups = graph.intAttribute(node, "group") ?? 1
        guard groups >= 1, groups <= Self.maxDimension, perGroup * groups == inChannels, out % groups == 0 else {
            throw refuse(
                node,
                "groups \(groups) with a weight of \(perGroup) input channels per group does not fit the \(inChannels) channels reaching it"
            )
        }
        let dilations = graph.intsAttribute(node, "dilations") ?? [1, 1]
        guard dilations.allSatisfy({ $0 == 1 }) else { throw refuse(node, "dilation \(dilations) is not supported") }
        let strides = graph.intsAttribute(node, "strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], (1...Self.maxDimension).contains(strides[0]) else {
            throw refuse(node, "strides \(strides) are not supported; both must be equal")
        }
        let stride = strides[0]
        let outputSize = try convolutionOutputSize(node, size: size, kernel: height, stride: stride)
        let same = (size + stride - 1) / stride
        guard outputSize == same else {
            throw refuse(
                node,
                "its padding gives a \(outputSize)x\(outputSize) output from \(size)x\(size); the format's convolutions use 'same' padding (ceil(\(size)/\(stride)) = \(same))"
            )
        }
        return ConvolutionNode(
            node: node, output: graph.output(node), inChannels: inChannels, outChannels: out, kernel: height,
            stride: stride, groups: groups, hasBias: graph.input(node, 2) != nil, outputSize: outputSize)
    }

    private func convolutionOutputSize(_ node: Int, size: Int, kernel: Int, stride: Int) throws(ONNXImportError) -> Int {
        switch graph.stringAttribute(node, "auto_pad") ?? "NOTSET" {
        case "SAME_UPPER", "SAME_LOWER":
            return (size + stride - 1) / stride
        case "VALID":
            return size >= kernel ? (size - kernel) / stride + 1 : 0
        case "NOTSET", "":
            let pads = graph.intsAttribute(node, "pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ (0...Self.maxDimension).contains($0) }) else {
                throw refuse(node, "pads \(pads) are not supported")
            }
            guard pads[0] + pads[2] == pads[1] + pads[3] else {
                throw refuse(node, "pads \(pads) differ between height and width")
            }
            let padded = size + pads[0] + pads[2]
            return padded >= kernel ? (padded - kernel) / stride + 1 : 0
        case let other:
            throw refuse(node, "auto_pad \(other) is not supported")
        }
    }

    /// Reads a fully connected layer starting at `node`, on a pooled vector of `features`
    /// values. A `MatMul` takes the `Add` after it as its bias.
    func fullyConnected(_ node: Int, features: Int, role: String) throws(ONNXImportError) -> FullyConnectedNode {
        try requireStandardDomain(node)
        switch graph.op(node) {
        case "Conv":
            let conv = try convolution(node, inChannels: features, size: 1)
            guard conv.kernel == 1, conv.groups == 1 else {
                throw refuse(node, "the \(role) as a convolution must be 1x1 with groups 1 (kernel \(conv.kernel), groups \(conv.groups))")
            }
            return FullyConnectedNode(
                node: node, output: conv.output, inFeatures: features, outFeatures: conv.outChannels,
                hasBias: conv.hasBias)
        case "Gemm":
            guard (graph.intAttribute(node, "transA") ?? 0) == 0 else { throw refuse(node, "transA = 1 is not supported") }
            let transposed = (graph.intAttribute(node, "transB") ?? 0) != 0
            let (rows, columns) = try matrixShape(node)
            let (inputs, outputs) = transposed ? (columns, rows) : (rows, columns)
            guard inputs == features else {
                throw refuse(node, "the \(role) takes \(inputs) features but \(features) reach it")
            }
            return FullyConnectedNode(
                node: node, output: graph.output(node), inFeatures: inputs, outFeatures: outputs,
                hasBias: graph.input(node, 2) != nil)
        case "MatMul":
            let (inputs, outputs) = try matrixShape(node)
            guard inputs == features else {
                throw refuse(node, "the \(role) takes \(inputs) features but \(features) reach it")
            }
            let product = graph.output(node)
            if let add = onlyConsumer(of: product), graph.op(add) == "Add", let bias = otherInput(add, than: product),
                graph.isParameter(bias, image: image), graph.shape(of: bias)?.reduce(1, *) == outputs
            {
                return FullyConnectedNode(node: node, output: graph.output(add), inFeatures: inputs, outFeatures: outputs, hasBias: true)
            }
            return FullyConnectedNode(node: node, output: product, inFeatures: inputs, outFeatures: outputs, hasBias: false)
        default:
            throw refuse(node, "expected the \(role) (Gemm, MatMul or a 1x1 Conv)")
        }
    }

    /// The shape of a Gemm's or MatMul's second operand, which must be a 2-D weight.
    private func matrixShape(_ node: Int) throws(ONNXImportError) -> (Int, Int) {
        guard let weight = graph.input(node, 1), graph.isParameter(weight, image: image) else {
            throw refuse(node, "its second operand is not a weight: only a vector times a weight matrix is a fully connected layer")
        }
        guard let shape = graph.shape(of: weight), shape.count == 2,
            shape.allSatisfy({ $0 >= 1 && $0 <= Self.maxDimension })
        else {
            throw refuse(node, "the weight's shape is unknown or not a matrix within 1...\(Self.maxDimension)")
        }
        return (shape[0], shape[1])
    }

    func requireStandardDomain(_ node: Int) throws(ONNXImportError) {
        let domain = graph.nodes[node].domain
        guard domain.isEmpty || domain == "ai.onnx" else {
            throw refuse(node, "custom-domain op '\(domain)' is not a standard ONNX operator")
        }
    }
}
