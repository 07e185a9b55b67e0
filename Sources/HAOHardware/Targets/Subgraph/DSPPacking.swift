extension DeviceFamily {
    /// Products of `bits`-wide operands one DSP slice computes per cycle.
    ///
    /// - DSP48E2 (UltraScale+): 2 at up to 8 bits, sharing one operand (Xilinx WP486,
    ///   "Deep Learning with INT8 Optimization on Xilinx Devices"). At up to 4 bits, 4: two 4-bit
    ///   weights in the 27-bit A port (offsets 0 and 18) times two 4-bit activations in the 18-bit
    ///   B port (offsets 0 and 9) give four 8-bit products at offsets 0, 9, 18 and 27 of the 45-bit
    ///   product, a 2x2 outer product with one guard bit each (accumulated outside the DSP).
    ///   This is the project's derivation, not a vendor figure.
    /// - DSP48E1 (Zynq-7000): 1 at 8 bits (the 25-bit A port cannot hold two 8-bit weights 18 bits
    ///   apart, the layout WP486 needs); at up to 4 bits the same 2x2 layout fits (22 bits in A,
    ///   13 in B, 35-bit product of 43): 4.
    /// - Wider operands: 1 (up to 18 bits fit one multiplier).
    public func macsPerDSP(bits: Int) -> Int {
        switch self {
        case .zynqUltraScalePlus:
            if bits <= 4 { return 4 }
            if bits <= 8 { return 2 }
            return 1
        case .zynq7000:
            if bits <= 4 { return 4 }
            return 1
        }
    }
}
