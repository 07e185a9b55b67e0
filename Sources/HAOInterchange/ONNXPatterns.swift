import HAONetwork

/// The squeeze-excite gate an exporter wrote. The network format does not record it (it costs
/// the same on the accelerator); the importer reports which one it saw.
enum SqueezeExciteGate: String, Sendable {
    case sigmoid
    case hardSigmoid = "hard_sigmoid"
}

/// Recognisers for the small subgraphs exporters write for activations, gates, pooling and
/// reshapes. Each takes a tensor on the main data path and returns what follows it, or throws
/// naming the node that does not fit.
extension GraphWalker {
    /// Ops that pass their first input through unchanged at inference, as far as the network's
    /// structure is concerned: batch norm is folded into the preceding conv's counts.
    static let passThroughOps: Set<String> = ["Identity", "Dropout", "BatchNormalization"]
    /// Reshapes of a pooled vector (N x C x 1 x 1 <-> N x C).
    static let vectorReshapeOps: Set<String> = ["Flatten", "Reshape", "Squeeze", "Unsqueeze"]
    /// Activations the format does not have, for a precise refusal.
    static let otherActivations: Set<String> = [
        "Sigmoid", "HardSigmoid", "Tanh", "LeakyRelu", "PRelu", "Elu", "Selu", "Gelu", "Softplus", "Softsign",
        "Mish", "ThresholdedRelu", "Celu", "Swish",
    ]

    /// Skips identity, dropout and batch norm nodes that are the tensor's only reader.
    func skipPassThrough(_ tensor: String) -> String {
        var current = tensor
        while let next = onlyConsumer(of: current), Self.passThroughOps.contains(graph.op(next)),
            graph.input(next, 0) == current
        {
            current = graph.output(next)
        }
        return current
    }

    /// Skips pass-through nodes and reshapes of a pooled vector.
    func skipVectorReshapes(_ tensor: String) -> String {
        var current = tensor
        while let next = onlyConsumer(of: current),
            Self.passThroughOps.contains(graph.op(next)) || Self.vectorReshapeOps.contains(graph.op(next)),
            graph.input(next, 0) == current
        {
            current = graph.output(next)
        }
        return current
    }

    /// The single node reading the tensor's values, if exactly one does and the tensor is not
    /// also a graph output.
    func onlyConsumer(of tensor: String) -> Int? {
        let readers = graph.dataConsumers(of: tensor)
        guard readers.count == 1, !graph.isGraphOutput(tensor) else { return nil }
        return readers[0]
    }

    // MARK: - Activations

    /// The activation applied to `tensor` (after any batch norm) and the tensor it produces;
    /// `.linear` and the tensor itself when none follows.
    func activation(after tensor: String) throws(ONNXImportError) -> (Activation, String) {
        let t = skipPassThrough(tensor)
        let readers = graph.dataConsumers(of: t)
        if readers.count == 1, !graph.isGraphOutput(t) {
            let node = readers[0]
            switch graph.op(node) {
            case "Relu": return (.relu, graph.output(node))
            case "HardSwish": return (.hardSwish, graph.output(node))
            case "Clip":
                let (low, high) = try clipBounds(node)
                if low == 0 && high == 6 { return (.relu6, graph.output(node)) }
                if low == 0 && high == nil { return (.relu, graph.output(node)) }
                throw refuse(node, "Clip to [\(format(low)), \(format(high))] is neither relu [0, inf) nor relu6 [0, 6]")
            case let op where Self.otherActivations.contains(op):
                throw refuse(
                    node, "activation \(op) is not one the network format has (relu, relu6 as Clip(0, 6), h_swish, swish as x * Sigmoid(x))"
                )
            default:
                return (.linear, t)
            }
        }
        if readers.count == 2, !graph.isGraphOutput(t) {
            for (first, second) in [(readers[0], readers[1]), (readers[1], readers[0])] {
                if let out = swish(t, gate: first, product: second) { return (.swish, out) }
                if let out = try hardSwish(t, gate: first, product: second) { return (.hardSwish, out) }
            }
        }
        return (.linear, t)
    }

    /// `x * Sigmoid(x)`.
    private func swish(_ x: String, gate: Int, product: Int) -> String? {
        guard graph.op(gate) == "Sigmoid", graph.op(product) == "Mul",
            isProduct(product, of: x, and: graph.output(gate))
        else { return nil }
        return graph.output(product)
    }

    /// `x * HardSigmoid(x)`, `x * (relu6(x + 3) / 6)` and `(x * relu6(x + 3)) / 6` (OFA's Hswish).
    private func hardSwish(_ x: String, gate: Int, product: Int) throws(ONNXImportError) -> String? {
        guard graph.op(product) == "Mul" else { return nil }
        if let sigmoid = try hardSigmoid(x, first: gate, requireTorchSlope: true),
            isProduct(product, of: x, and: sigmoid)
        {
            return graph.output(product)
        }
        if let relu6 = try reluSixOfXPlusThree(x, first: gate), isProduct(product, of: x, and: relu6),
            let divide = onlyConsumer(of: graph.output(product)), isScaling(divide, byOneOver: 6)
        {
            return graph.output(divide)
        }
        return nil
    }

    /// The output of a hard sigmoid of `x` starting at node `first`: `HardSigmoid` (with
    /// torch's slope 1/6 and offset 1/2 when `requireTorchSlope`) or `relu6(x + 3) / 6`.
    func hardSigmoid(_ x: String, first: Int, requireTorchSlope: Bool) throws(ONNXImportError) -> String? {
        if graph.op(first) == "HardSigmoid", graph.input(first, 0) == x {
            let alpha = graph.floatAttribute(first, "alpha") ?? 0.2
            let beta = graph.floatAttribute(first, "beta") ?? 0.5
            if requireTorchSlope && (abs(alpha - 1.0 / 6) > 1e-4 || abs(beta - 0.5) > 1e-4) { return nil }
            return graph.output(first)
        }
        if let relu6 = try reluSixOfXPlusThree(x, first: first), let divide = onlyConsumer(of: relu6),
            isScaling(divide, byOneOver: 6)
        {
            return graph.output(divide)
        }
        return nil
    }

    /// `relu6(x + 3)` written as `Add(x, 3) -> Clip(0, 6)`.
    private func reluSixOfXPlusThree(_ x: String, first: Int) throws(ONNXImportError) -> String? {
        guard graph.op(first) == "Add", let other = otherInput(first, than: x),
            graph.constantValues(other) == [3], let clip = onlyConsumer(of: graph.output(first)),
            graph.op(clip) == "Clip"
        else { return nil }
        let (low, high) = try clipBounds(clip)
        return low == 0 && high == 6 ? graph.output(clip) : nil
    }

    /// Whether the node divides by `n` or multiplies by `1/n`.
    private func isScaling(_ node: Int, byOneOver n: Double) -> Bool {
        let op = graph.op(node)
        if op == "Div", let divisor = graph.input(node, 1), let values = graph.constantValues(divisor), values.count == 1 {
            return values[0] == n
        }
        if op == "Mul", let a = graph.input(node, 0), let b = graph.input(node, 1) {
            let constant = graph.constantValues(b) ?? graph.constantValues(a)
            if let constant, constant.count == 1 { return abs(constant[0] - 1 / n) < 1e-6 }
        }
        return false
    }

    func isProduct(_ node: Int, of a: String, and b: String) -> Bool {
        guard let left = graph.input(node, 0), let right = graph.input(node, 1), graph.nodes[node].input.count == 2 else { return false }
        return (left == a && right == b) || (left == b && right == a)
    }

    func otherInput(_ node: Int, than tensor: String) -> String? {
        guard let left = graph.input(node, 0), let right = graph.input(node, 1) else { return nil }
        if left == tensor { return right }
        if right == tensor { return left }
        return nil
    }

    /// Clip's bounds: attributes before opset 11, optional constant inputs since. nil = unbounded.
    func clipBounds(_ node: Int) throws(ONNXImportError) -> (Double?, Double?) {
        if graph.opset < 11 {
            let low = graph.floatAttribute(node, "min")
            let high = graph.floatAttribute(node, "max")
            return (low.flatMap { $0 <= -3.0e38 ? nil : $0 }, high.flatMap { $0 >= 3.0e38 ? nil : $0 })
        }
        func bound(_ position: Int) throws(ONNXImportError) -> Double? {
            guard let name = graph.input(node, position) else { return nil }
            guard let values = graph.constantValues(name), values.count == 1 else {
                throw refuse(node, "Clip bound '\(name)' is not a constant scalar")
            }
            return values[0]
        }
        return (try bound(1), try bound(2))
    }

    private func format(_ value: Double?) -> String {
        guard let value else { return "inf" }
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    // MARK: - Squeeze-excite gate and pooling

    /// The gate of a squeeze-excite branch: Sigmoid, any HardSigmoid, or `relu6(x + 3) / 6`.
    func gate(after tensor: String) throws(ONNXImportError) -> (SqueezeExciteGate, String) {
        let t = skipVectorReshapes(tensor)
        guard let node = onlyConsumer(of: t) else {
            throw refuseTensor(t, "the squeeze-excite expand layer's output must go to its gate (Sigmoid or HardSigmoid) only")
        }
        if graph.op(node) == "Sigmoid" { return (.sigmoid, graph.output(node)) }
        if let out = try hardSigmoid(t, first: node, requireTorchSlope: false) { return (.hardSigmoid, out) }
        throw refuse(node, "expected the squeeze-excite gate (Sigmoid, HardSigmoid or relu6(x + 3) / 6)")
    }

    /// Global average pooling starting at node `node` on a `size` x `size` map: GlobalAveragePool,
    /// ReduceMean over both spatial axes (or over each in turn, as OFA writes it), or an
    /// AveragePool whose window is the whole map. Returns the pooled tensor, or nil when the node
    /// is not a pooling op.
    func globalPool(_ node: Int, of tensor: String, size: Int) throws(ONNXImportError) -> String? {
        switch graph.op(node) {
        case "GlobalAveragePool":
            return graph.output(node)
        case "AveragePool":
            let window = graph.intsAttribute(node, "kernel_shape") ?? []
            let pads = graph.intsAttribute(node, "pads") ?? []
            guard window == [size, size], pads.allSatisfy({ $0 == 0 }) else {
                throw refuse(node, "an average pool with window \(window) on a \(size)x\(size) map is not global pooling")
            }
            return graph.output(node)
        case "ReduceMean":
            let axes = try reduceAxes(node)
            if axes == [2, 3] { return graph.output(node) }
            guard axes.count == 1, let next = onlyConsumer(of: graph.output(node)), graph.op(next) == "ReduceMean",
                graph.intAttribute(node, "keepdims") ?? 1 == 1
            else {
                throw refuse(node, "a mean over axes \(axes) is not global average pooling (axes 2 and 3)")
            }
            let second = try reduceAxes(next)
            guard Set(axes + second) == [2, 3], second.count == 1 else {
                throw refuse(next, "a mean over axes \(axes) then \(second) is not global average pooling")
            }
            return graph.output(next)
        default:
            return nil
        }
    }

    /// ReduceMean's axes (attribute before opset 18, input since), made non-negative for rank 4.
    private func reduceAxes(_ node: Int) throws(ONNXImportError) -> [Int] {
        var axes: [Int]?
        if let attribute = graph.intsAttribute(node, "axes") {
            axes = attribute
        } else if let name = graph.input(node, 1) {
            axes = graph.constantValues(name)?.map { Int($0) }
        }
        guard let axes, !axes.isEmpty else { throw refuse(node, "a mean without constant axes is not global average pooling") }
        return axes.map { $0 < 0 ? $0 + 4 : $0 }.sorted()
    }
}
