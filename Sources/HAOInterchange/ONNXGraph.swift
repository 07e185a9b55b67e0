import Foundation
import SwiftProtobuf

/// An ONNX graph indexed for pattern matching: who produces and who consumes each tensor,
/// the shapes the file declares, and the values of small constants.
///
/// Weights are only ever looked at for their shape, so a file whose weights were stripped
/// (declared as graph inputs, as `torch.onnx.export(..., export_params=False)` writes them)
/// or kept in external data imports the same as one that carries them.
struct ONNXGraph {
    let model: Onnx_ModelProto
    let nodes: [Onnx_NodeProto]
    /// Tensor name -> index of the node that produces it.
    let producer: [String: Int]
    /// Tensor name -> indices of the nodes that read it, in graph order.
    let consumers: [String: [Int]]
    let initializers: [String: Onnx_TensorProto]
    /// Shapes declared for graph inputs, outputs and value_info (nil entries are symbolic dims).
    let declaredShapes: [String: [Int?]]
    let outputs: [String]
    /// The default-domain opset version.
    let opset: Int

    /// Largest tensor whose values are decoded (attribute-like constants: clip bounds, axes, scalars).
    static let maxConstantElements = 64

    init(model: Onnx_ModelProto) {
        self.model = model
        let graph = model.graph
        nodes = graph.node
        var producer: [String: Int] = [:]
        var consumers: [String: [Int]] = [:]
        for (index, node) in graph.node.enumerated() {
            for output in node.output where !output.isEmpty { producer[output] = index }
            for input in node.input where !input.isEmpty {
                if consumers[input]?.last != index { consumers[input, default: []].append(index) }
            }
        }
        self.producer = producer
        self.consumers = consumers
        var initializers: [String: Onnx_TensorProto] = [:]
        for tensor in graph.initializer { initializers[tensor.name] = tensor }
        self.initializers = initializers
        var shapes: [String: [Int?]] = [:]
        for info in graph.input + graph.output + graph.valueInfo {
            guard info.hasType, case .tensorType(let tensor)? = info.type.value, tensor.hasShape else { continue }
            shapes[info.name] = tensor.shape.dim.map { dim in
                if case .dimValue(let value)? = dim.value, value > 0, value <= Int64(Int32.max) { return Int(value) }
                return nil
            }
        }
        declaredShapes = shapes
        outputs = graph.output.map(\.name)
        let defaultDomain = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        opset = Int(clamping: defaultDomain?.version ?? 1)
    }

    /// ONNX requires nodes in topological order with each tensor produced once. Checking it
    /// up front means every walk over the graph moves forward and ends, even on a hostile file.
    func checkOrder() throws(ONNXImportError) {
        var produced: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.output where !output.isEmpty {
                if produced[output] != nil {
                    throw .unsupportedGraph(
                        "tensor '\(output)' is produced twice (by node \(label(produced[output]!)) and node \(label(index)))")
                }
                produced[output] = index
            }
        }
        for (index, node) in nodes.enumerated() {
            for input in node.input where !input.isEmpty {
                if let source = produced[input], source >= index {
                    throw .unsupportedGraph(
                        "node \(label(index)) reads '\(input)' before it is produced: the graph is not in topological order or has a cycle")
                }
            }
        }
    }

    // MARK: - Nodes

    /// How a node is named in messages: its name, or its first output when it has none.
    func label(_ index: Int) -> String {
        let node = nodes[index]
        if !node.name.isEmpty { return node.name }
        return node.output.first.map { "producing '\($0)'" } ?? "#\(index)"
    }

    func op(_ index: Int) -> String { nodes[index].opType }

    /// The consumers that read a tensor's values. `Shape` and `Size` read only its shape, which
    /// flows into reshapes the importer treats as such, so they are left out.
    func dataConsumers(of tensor: String) -> [Int] {
        (consumers[tensor] ?? []).filter { op($0) != "Shape" && op($0) != "Size" }
    }

    func isGraphOutput(_ tensor: String) -> Bool { outputs.contains(tensor) }

    /// The first output of a node (every op the importer follows has its data there).
    func output(_ index: Int) -> String { nodes[index].output.first ?? "" }

    /// A node's input at `position`, or nil when absent or left empty (an omitted optional input).
    func input(_ index: Int, _ position: Int) -> String? {
        let inputs = nodes[index].input
        guard position < inputs.count, !inputs[position].isEmpty else { return nil }
        return inputs[position]
    }

    // MARK: - Attributes

    func attribute(_ index: Int, _ name: String) -> Onnx_AttributeProto? {
        nodes[index].attribute.first { $0.name == name }
    }

    func intAttribute(_ index: Int, _ name: String) -> Int? {
        attribute(index, name).map { Int(clamping: $0.i) }
    }

    func intsAttribute(_ index: Int, _ name: String) -> [Int]? {
        attribute(index, name).map { $0.ints.map { Int(clamping: $0) } }
    }

    func floatAttribute(_ index: Int, _ name: String) -> Double? {
        attribute(index, name).map { Double($0.f) }
    }

    func stringAttribute(_ index: Int, _ name: String) -> String? {
        attribute(index, name).map { String(decoding: $0.s, as: UTF8.self) }
    }

    // MARK: - Tensors

    /// Follows `Identity` nodes back to the tensor they copy (exporters share constants that way).
    func source(of tensor: String) -> String {
        var current = tensor
        for _ in 0..<nodes.count {
            guard let index = producer[current], op(index) == "Identity", let next = input(index, 0) else { break }
            current = next
        }
        return current
    }

    /// The tensor's shape when it is fully known: an initializer's dims, a `Constant` node's
    /// value, or a declared shape without symbolic dims. Negative or absurd dims count as unknown.
    func shape(of tensor: String) -> [Int]? {
        let name = source(of: tensor)
        if let initializer = initializers[name] { return Self.dims(initializer.dims) }
        if let index = producer[name], op(index) == "Constant", let value = attribute(index, "value") {
            return Self.dims(value.t.dims)
        }
        guard let declared = declaredShapes[name], declared.allSatisfy({ $0 != nil }) else { return nil }
        return declared.map { $0! }
    }

    private static func dims(_ raw: [Int64]) -> [Int]? {
        guard raw.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else { return nil }
        return raw.map { Int($0) }
    }

    /// Whether the tensor is a constant or a weight (an initializer, a `Constant`, or a graph
    /// input that is not the image), as opposed to a value computed from the image.
    func isParameter(_ tensor: String, image: String) -> Bool {
        let name = source(of: tensor)
        if name == image { return false }
        if initializers[name] != nil { return true }
        if let index = producer[name] { return op(index) == "Constant" }
        return model.graph.input.contains { $0.name == name }
    }

    /// The values of a small constant tensor (initializer or `Constant` node, through `Identity`),
    /// or nil when it is not a constant, too large, or of a type the importer does not read.
    func constantValues(_ tensor: String) -> [Double]? {
        let name = source(of: tensor)
        if let initializer = initializers[name] { return Self.values(initializer) }
        guard let index = producer[name], op(index) == "Constant" else { return nil }
        if let value = attribute(index, "value") { return Self.values(value.t) }
        if let float = attribute(index, "value_float") { return [Double(float.f)] }
        if let int = attribute(index, "value_int") { return [Double(int.i)] }
        if let floats = attribute(index, "value_floats") { return floats.floats.map(Double.init) }
        if let ints = attribute(index, "value_ints") { return ints.ints.map(Double.init) }
        return nil
    }

    /// Decodes float, double, int32 and int64 tensors from their typed fields or raw little-endian bytes.
    static func values(_ tensor: Onnx_TensorProto) -> [Double]? {
        guard tensor.dataLocation != .external, tensor.dims.allSatisfy({ $0 >= 0 }) else { return nil }
        let count = tensor.dims.reduce(Int64(1)) { $0.multipliedReportingOverflow(by: $1).overflow ? Int64.max : $0 * $1 }
        guard count <= Int64(maxConstantElements) else { return nil }
        let typed: [Double]
        switch tensor.dataType {
        case 1: typed = tensor.floatData.map(Double.init)  // FLOAT
        case 11: typed = tensor.doubleData  // DOUBLE
        case 6: typed = tensor.int32Data.map(Double.init)  // INT32
        case 7: typed = tensor.int64Data.map(Double.init)  // INT64
        default: return nil
        }
        if !typed.isEmpty { return typed.count == Int(count) ? typed : nil }
        let width = tensor.dataType == 1 || tensor.dataType == 6 ? 4 : 8
        let bytes = [UInt8](tensor.rawData)
        guard bytes.count == Int(count) * width else { return nil }
        return (0..<Int(count)).map { element in
            var bits: UInt64 = 0
            for byte in 0..<width { bits |= UInt64(bytes[element * width + byte]) << (8 * UInt64(byte)) }
            switch tensor.dataType {
            case 1: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case 11: return Double(bitPattern: bits)
            case 6: return Double(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
            default: return Double(Int64(bitPattern: bits))
            }
        }
    }
}
