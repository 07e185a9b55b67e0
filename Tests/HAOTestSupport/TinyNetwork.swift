import HAONetwork

/// A small valid network: 32x32 input, stem 3->16, one MBConv 16->24 (e6, k3, s2, SE 4), head 64,
/// 10 classes. Shared by the network and interchange tests.
public func tinyNetwork() -> Network {
    Network(
        name: "tiny", resolution: 32,
        stem: Stem(outChannels: 16, kernel: 3, stride: 2, activation: .relu),
        blocks: [
            Block(
                inChannels: 16, outChannels: 24, expandedChannels: 96, kernel: 3, stride: 2,
                seChannels: 4, activation: .relu)
        ],
        head: Head(convChannels: 64, classes: 10, activation: .relu))
}
