import Foundation
import HAOSupport
import Testing

@testable import HAOPredictor

@Suite struct EncodingTests {
    @Test func ofaEncodingLayout() throws {
        let space = try loadSpace()
        var rng = SplitMix64(seed: 11)
        for _ in 0..<100 {
            let p = space.sample(using: &rng)
            let f = Encoding.ofa(p)
            let active = p.depths.reduce(0, +)
            #expect(f.count == 128)
            #expect(f.reduce(0, +) == Double(2 * active + 1))
            for slot in 0..<20 {
                let ks = f[(slot * 3)..<(slot * 3 + 3)]
                let ex = f[(60 + slot * 3)..<(60 + slot * 3 + 3)]
                if p.isActive(slot: slot) {
                    #expect(ks[slot * 3 + [3, 5, 7].firstIndex(of: p.kernels[slot])!] == 1)
                    #expect(ex[60 + slot * 3 + [3, 4, 6].firstIndex(of: p.expandRatios[slot])!] == 1)
                } else {
                    #expect(ks.allSatisfy { $0 == 0 } && ex.allSatisfy { $0 == 0 })
                }
            }
            #expect(f[120 + (p.resolution - 112) / 16] == 1)
            let full = Encoding.full(p)
            #expect(full.count == Encoding.featureCount)
            let lowBits = (0..<20).filter { p.isActive(slot: $0) && p.bits[$0] == 4 }.count
            #expect(full[128...].reduce(0, +) == Double(lowBits))
        }
        #expect(Encoding.resolutionBucket(260) == 7 && Encoding.resolutionBucket(100) == 0 && Encoding.resolutionBucket(156) == 2)
    }

    @Test func encodingIsInvariantToInactiveSlots() throws {
        let space = try loadSpace()
        var rng = SplitMix64(seed: 5)
        let p = space.sample(using: &rng)
        #expect(Encoding.full(p) == Encoding.full(space.canonical(p)))
        // And the encoding determines the network's blocks: equal encodings, equal networks.
        #expect(try space.network(for: p, name: "x") == space.network(for: space.canonical(p), name: "x"))
    }
}
