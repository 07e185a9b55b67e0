extension SubgraphCostModel {
    /// The candidate configurations of one engine (before any pruning).
    public func candidates(_ kind: EngineKind) -> [EngineConfiguration] {
        let p = parameters
        var result: [EngineConfiguration] = []
        switch kind {
        case .expand, .project:
            for a in p.pointwiseUnrolls { for b in p.pointwiseUnrolls { for w in p.weightBufferings {
                result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
            } } }
        case .depthwise:
            for a in p.depthwiseChannelUnrolls { for b in p.depthwiseTapUnrolls { for w in p.weightBufferings {
                result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
            } } }
        }
        return result
    }
}
