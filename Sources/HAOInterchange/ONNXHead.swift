import HAONetwork

extension GraphWalker {
    /// The head: [1x1 conv -> act] -> global average pooling -> [hidden FC -> act] -> classifier
    /// [-> Softmax], with reshapes of the pooled vector allowed anywhere after pooling.
    mutating func head(from tensor: String, channels: Int, size: Int) throws(ONNXImportError) -> Head {
        let start = skipPassThrough(tensor)
        let first = try onlyReader(of: start, expecting: "the head's 1x1 conv or global average pooling")
        var features = channels
        var convActivation: Activation?
        let pooled: String
        if let out = try globalPool(first, of: start, size: size) {
            pooled = out
        } else {
            let conv = try convolution(first, inChannels: channels, size: size)
            guard conv.isPointwise, conv.groups == 1 else {
                throw refuse(
                    first,
                    "the head conv must be 1x1 with stride 1 and groups 1 (kernel \(conv.kernel), stride \(conv.stride), groups \(conv.groups))"
                )
            }
            weightElements += conv.weightElements
            features = conv.outChannels
            let (act, out) = try activation(after: conv.output)
            convActivation = act
            let beforePool = skipPassThrough(out)
            let poolNode = try onlyReader(of: beforePool, expecting: "global average pooling after the head conv")
            guard let out = try globalPool(poolNode, of: beforePool, size: size) else {
                throw refuse(poolNode, "expected global average pooling after the head conv")
            }
            pooled = out
        }
        let layers = try fullyConnectedLayers(after: pooled, features: features)
        return try assembleHead(layers: layers, convChannels: features, convActivation: convActivation, lastBlockChannels: channels)
    }

    /// The FC layers after pooling, each with the activation after it, up to the graph output.
    private mutating func fullyConnectedLayers(after pooled: String, features: Int) throws(ONNXImportError) -> [(
        FullyConnectedNode, Activation
    )] {
        var layers: [(FullyConnectedNode, Activation)] = []
        var width = features
        var tensor = skipVectorReshapes(pooled)
        while !graph.isGraphOutput(tensor) {
            let node = try onlyReader(of: tensor, expecting: "the classifier")
            let op = graph.op(node)
            if op == "Softmax" || op == "LogSoftmax", !layers.isEmpty, graph.isGraphOutput(graph.output(node)) {
                break
            }
            guard layers.count < 2 else {
                throw refuse(node, "a third layer after pooling; the head has at most a hidden layer and the classifier")
            }
            let layer = try fullyConnected(node, features: width, role: layers.isEmpty ? "classifier (or hidden layer)" : "classifier")
            let (act, out) = try activation(after: layer.output)
            layers.append((layer, act))
            weightElements += layer.weightElements
            width = layer.outFeatures
            tensor = skipVectorReshapes(out)
        }
        guard !layers.isEmpty else {
            throw refuseTensor(pooled, "the pooled features are a graph output; no classifier follows the pooling")
        }
        return layers
    }

    private mutating func assembleHead(
        layers: [(FullyConnectedNode, Activation)], convChannels: Int,
        convActivation: Activation?, lastBlockChannels: Int
    ) throws(ONNXImportError) -> Head {
        let (classifier, classifierActivation) = layers[layers.count - 1]
        guard classifierActivation == .linear else {
            throw refuse(
                classifier.node, "the classifier is followed by \(classifierActivation.rawValue); the format's classifier is linear")
        }
        var hidden: FullyConnectedNode?
        var activation = convActivation ?? .linear
        if layers.count == 2 {
            let (layer, hiddenActivation) = layers[0]
            if let convActivation, convActivation != hiddenActivation {
                throw refuse(
                    layer.node,
                    "its activation (\(hiddenActivation.rawValue)) differs from the head conv's (\(convActivation.rawValue)); the format has one head activation"
                )
            }
            hidden = layer
            activation = hiddenActivation
        }
        let missingBias = (classifier.hasBias ? 0 : classifier.outFeatures) + (hidden.map { $0.hasBias ? 0 : $0.outFeatures } ?? 0)
        if missingBias > 0 {
            note("the head's fully connected layers lack biases the format counts (\(missingBias) parameters more than the graph)")
        }
        return Head(
            convChannels: convChannels, hiddenChannels: hidden?.outFeatures, classes: classifier.outFeatures,
            activation: activation, hasConv: convActivation != nil)
    }
}
