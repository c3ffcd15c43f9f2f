namespace Sdk
{
    /// <summary>The activation applied after a layer (fused into its kernel where possible).</summary>
    public enum Activation
    {
        None = 0,
        Relu = 1,
        Relu6 = 2,
        Sigmoid = 3,
        Tanh = 4,
        Gelu = 5,
    }

    /// <summary>How a tensor that crosses a cut travels between chips.</summary>
    public enum WireFormat
    {
        /// <summary>4 bytes per element, exact.</summary>
        Float32 = 0,
        /// <summary>IEEE half precision, 2 bytes per element.</summary>
        Float16 = 1,
        /// <summary>The top 16 bits of a float32 (sign, exponent, 7 mantissa bits), 2 bytes per element.</summary>
        BFloat16 = 2,
        /// <summary>Symmetric 8-bit integers, 1 byte per element plus one float32 scale (4 bytes) per sample.</summary>
        Int8 = 3,
        /// <summary>
        /// The top <c>Bits</c> bits of each float32 (sign, exponent, leading mantissa bits; the rest cut off, not rounded),
        /// bit-packed: one sample of n values takes ceil(n x Bits / 8) bytes. Set <c>Bits</c> (1 to 32) on <c>[Transfer]</c>.
        /// </summary>
        Truncated = 4,
    }

    /// <summary>Who decides which chip runs each layer.</summary>
    public enum PlacementMode
    {
        /// <summary>The <see cref="OnChipAttribute"/> annotations decide.</summary>
        Manual = 0,
        /// <summary>The compiler picks the chips that minimise the pipeline's max-load in inference.</summary>
        Auto = 1,
        /// <summary>The compiler picks the chips that minimise the pipeline's max-load in training (forward and backward passes, gradients on the links).</summary>
        AutoTraining = 2,
    }
}
