extension SubgraphCostModel {
    /// The candidate configurations of one engine (before any pruning).
    public func candidates(_ kind: EngineKind) -> [EngineConfiguration] {
        let p = parameters
        var result: [EngineConfiguration] = []
        switch kind {
        case .expand, .project:
            for a in p.pointwiseUnrolls {
                for b in p.pointwiseUnrolls {
                    for w in p.weightBufferings {
                        result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
                    }
                }
            }
        case .depthwise:
            // Depthwise weights are k x k per channel, a few percent of a block's: never tiled.
            for a in p.depthwiseChannelUnrolls {
                for b in p.depthwiseTapUnrolls {
                    for w in p.weightBufferings where w != .tiled {
                        result.append(EngineConfiguration(kind: kind, unrollA: a, unrollB: b, weightBuffering: w))
                    }
                }
            }
        }
        return result
    }
}
